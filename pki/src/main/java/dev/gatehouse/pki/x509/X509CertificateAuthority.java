package dev.gatehouse.pki.x509;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The X.509 CA for agents and internal mutual TLS: a self-signed ECDSA P-256 root that certifies node keys, either
 * from a PKCS#10 request ({@link #signCsr}) or directly ({@link #issue}) for keys the gateway makes itself.
 */
public final class X509CertificateAuthority {

    public static final Duration DEFAULT_CA_VALIDITY = Duration.ofDays(3650);
    /** Certificates start this long before issue so a peer whose clock runs a little behind accepts them. */
    public static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofMinutes(1);
    /** Largest CSR read; real ones are under 1 KB. */
    public static final int MAX_CSR_BYTES = 16 * 1024;

    private static final SecureRandom SERIALS = new SecureRandom();

    private final KeyPair keyPair;
    private final X509Certificate certificate;
    private final Clock clock;

    private X509CertificateAuthority(KeyPair keyPair, X509Certificate certificate, Clock clock) {
        this.keyPair = keyPair;
        this.certificate = certificate;
        this.clock = clock;
    }

    /** A new self-signed CA with an ECDSA P-256 key, valid for {@link #DEFAULT_CA_VALIDITY}. */
    public static X509CertificateAuthority generate(String commonName) {
        return generate(commonName, DEFAULT_CA_VALIDITY);
    }

    public static X509CertificateAuthority generate(String commonName, Duration validity) {
        KeyPair keyPair = KeyAlgorithms.generateP256();
        X500Name name = name(CertificateNames.commonName(commonName));
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(CLOCK_SKEW_ALLOWANCE)), Date.from(now.plus(positive(validity))), name,
                    keyPair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
            return new X509CertificateAuthority(keyPair, sign(builder, keyPair), Clock.systemUTC());
        } catch (NoSuchAlgorithmException | CertIOException e) {
            throw new IllegalStateException("cannot build the CA certificate: " + e.getMessage(), e);
        }
    }

    /** A CA from its stored key pair and certificate; they must belong together. */
    public static X509CertificateAuthority of(KeyPair keyPair, X509Certificate certificate) {
        Objects.requireNonNull(keyPair, "keyPair");
        Objects.requireNonNull(certificate, "certificate");
        if (!certificate.getPublicKey().equals(keyPair.getPublic())
                && !Arrays.equals(certificate.getPublicKey().getEncoded(), keyPair.getPublic().getEncoded())) {
            throw new IllegalArgumentException("the CA certificate does not certify the given key pair");
        }
        if (certificate.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("the certificate is not a CA certificate (no CA basic constraint)");
        }
        return new X509CertificateAuthority(keyPair, certificate, Clock.systemUTC());
    }

    /** The same CA reading time from another clock. */
    public X509CertificateAuthority withClock(Clock replacement) {
        return new X509CertificateAuthority(keyPair, certificate, Objects.requireNonNull(replacement, "clock"));
    }

    /** The CA's own certificate: what peers put in their trust store. */
    public X509Certificate certificate() {
        return certificate;
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    /**
     * Certifies the key in a PKCS#10 request (DER or PEM) after checking the request's signature. The names come from
     * the caller, not from the request: the requester proves only that it holds the key.
     *
     * @throws InvalidCsrException when the request is malformed, its signature is wrong, or its key is refused
     */
    public X509Certificate signCsr(byte[] csr, String commonName, List<String> dnsSans, Duration validity,
            Usage usage) {
        return issue(verifiedKey(csr), commonName, dnsSans, validity, usage);
    }

    /** Certifies a public key the gateway generated itself. */
    public X509Certificate issue(PublicKey subjectKey, String commonName, List<String> dnsSans, Duration validity,
            Usage usage) {
        Objects.requireNonNull(subjectKey, "subjectKey");
        Objects.requireNonNull(usage, "usage");
        String refusal = KeyAlgorithms.refusal(subjectKey);
        if (refusal != null) {
            throw new IllegalArgumentException(refusal);
        }
        List<String> sans = CertificateNames.subjectAlternativeNames(dnsSans);
        Instant now = clock.instant();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(CLOCK_SKEW_ALLOWANCE)), Date.from(now.plus(positive(validity))),
                    name(CertificateNames.commonName(commonName)), subjectKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage(subjectKey)))
                    .addExtension(Extension.extendedKeyUsage, false, extendedKeyUsage(usage))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(subjectKey))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(certificate));
            if (!sans.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, CertificateNames.generalNames(sans));
            }
            return sign(builder, keyPair);
        } catch (NoSuchAlgorithmException | CertificateException | CertIOException e) {
            throw new IllegalStateException("cannot build the certificate: " + e.getMessage(), e);
        }
    }

    private static PublicKey verifiedKey(byte[] csr) {
        Objects.requireNonNull(csr, "csr");
        if (csr.length == 0) {
            throw new InvalidCsrException("the certificate signing request is empty");
        }
        if (csr.length > MAX_CSR_BYTES) {
            throw new InvalidCsrException("the certificate signing request has " + csr.length + " bytes; at most "
                    + MAX_CSR_BYTES + " are accepted");
        }
        byte[] der = csr;
        if (Pem.looksLikePem(csr)) {
            try {
                der = Pem.csr(new String(csr, StandardCharsets.US_ASCII));
            } catch (InvalidCsrException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new InvalidCsrException("the certificate signing request is not valid PEM: " + e.getMessage(), e);
            }
        }
        JcaPKCS10CertificationRequest request;
        PublicKey key;
        try {
            request = new JcaPKCS10CertificationRequest(der);
            key = request.getPublicKey();
        } catch (IOException | RuntimeException | GeneralSecurityException e) {
            throw new InvalidCsrException("the certificate signing request is not a readable PKCS#10 request", e);
        }
        try {
            if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw new InvalidCsrException("the certificate signing request's signature does not verify: it was"
                        + " altered or not signed by the key it contains");
            }
        } catch (OperatorCreationException | PKCSException e) {
            throw new InvalidCsrException("the certificate signing request's signature cannot be checked: "
                    + e.getMessage(), e);
        }
        String refusal = KeyAlgorithms.refusal(key);
        if (refusal != null) {
            throw new InvalidCsrException(refusal);
        }
        return key;
    }

    private static int keyUsage(PublicKey key) {
        // RSA keys may also be used for key encipherment in TLS 1.2 RSA key exchange; EC and Ed25519 only sign.
        return "RSA".equals(key.getAlgorithm()) ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                : KeyUsage.digitalSignature;
    }

    private static ExtendedKeyUsage extendedKeyUsage(Usage usage) {
        return switch (usage) {
            case CLIENT -> new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth);
            case SERVER -> new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth);
            case BOTH -> new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth,
                    KeyPurposeId.id_kp_clientAuth});
        };
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder(KeyAlgorithms.signatureAlgorithm(signer.getPrivate()))
                            .build(signer.getPrivate())));
        } catch (OperatorCreationException | CertificateException e) {
            throw new IllegalStateException("cannot sign the certificate: " + e.getMessage(), e);
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static Duration positive(Duration validity) {
        Objects.requireNonNull(validity, "validity");
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive, got " + validity);
        }
        return validity;
    }

    /** Random 127-bit positive serials: unique without coordination, within RFC 5280's 20-byte limit. */
    private static BigInteger serial() {
        return new BigInteger(127, SERIALS).setBit(126);
    }
}
