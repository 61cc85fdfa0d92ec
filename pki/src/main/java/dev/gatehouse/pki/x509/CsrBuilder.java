package dev.gatehouse.pki.x509;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.KeyPair;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Builds the PKCS#10 request a node (a tunnel agent, a gateway node) sends to be certified. The key stays with the
 * node; the CA decides the names in the certificate, so the requested ones are only a hint.
 */
public final class CsrBuilder {

    private final KeyPair keyPair;
    private String commonName = "gatehouse-node";
    private List<String> dnsNames = List.of();

    public CsrBuilder(KeyPair keyPair) {
        this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
    }

    /** A fresh ECDSA P-256 key pair, the kind Gatehouse uses for TLS identities. */
    public static KeyPair generateKeyPair() {
        return KeyAlgorithms.generateP256();
    }

    public CsrBuilder commonName(String value) {
        this.commonName = CertificateNames.commonName(value);
        return this;
    }

    public CsrBuilder dnsNames(List<String> values) {
        this.dnsNames = CertificateNames.subjectAlternativeNames(values);
        return this;
    }

    /** The signed request as DER. */
    public byte[] toDer() {
        try {
            JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(
                    new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build(), keyPair.getPublic());
            if (!dnsNames.isEmpty()) {
                ExtensionsGenerator extensions = new ExtensionsGenerator();
                extensions.addExtension(Extension.subjectAlternativeName, false, CertificateNames.generalNames(dnsNames));
                builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
            }
            return builder.build(new JcaContentSignerBuilder(KeyAlgorithms.signatureAlgorithm(keyPair.getPrivate()))
                    .build(keyPair.getPrivate())).getEncoded();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign the request with a " + keyPair.getPrivate().getAlgorithm()
                    + " key: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The signed request as {@code -----BEGIN CERTIFICATE REQUEST-----} text. */
    public String toPem() {
        return Pem.encodeCsr(toDer());
    }
}
