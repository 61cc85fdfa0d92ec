package dev.gatehouse.agent.testbed;

import dev.gatehouse.testkit.TestKeys;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/** A throw-away ECDSA P-256 CA for tests: gateway server certificates and agent client certificates. */
public final class TestPki {

    private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime());

    public record Issued(KeyPair keys, X509Certificate certificate) {
    }

    private final KeyPair keys;
    private final X509Certificate certificate;

    private TestPki(KeyPair keys, X509Certificate certificate) {
        this.keys = keys;
        this.certificate = certificate;
    }

    public static TestPki create(String name) {
        KeyPair keys = TestKeys.p256();
        Instant now = Instant.now();
        try {
            X500Name subject = new X500Name("CN=" + name);
            var builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(SERIALS.incrementAndGet()),
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(30))), subject,
                    keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new TestPki(keys, sign(builder, keys));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** A gateway certificate for localhost, 127.0.0.1 and the extra IP addresses given. */
    public Issued server(String... extraAddresses) {
        KeyPair pair = TestKeys.p256();
        return new Issued(pair, issue(pair.getPublic(), "gateway", Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1)), true, extraAddresses));
    }

    /** An agent certificate ({@code CN=agent@network}) valid between the given instants. */
    public Issued agent(String agentId, String network, Instant notBefore, Instant notAfter) {
        KeyPair pair = TestKeys.p256();
        return new Issued(pair, issue(pair.getPublic(), agentId + "@" + network, notBefore, notAfter, false));
    }

    public Issued agent(String agentId, String network) {
        return agent(agentId, network, Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofHours(1)));
    }

    /** Signs a CSR's key with the subject chosen here, as the control plane's enrollment must. */
    public X509Certificate signCsr(byte[] csrDer, String commonName, Duration validity) {
        try {
            PKCS10CertificationRequest csr = new PKCS10CertificationRequest(csrDer);
            PublicKey key = new JcaPKCS10CertificationRequest(csr).getPublicKey();
            if (!csr.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
                    .build(key))) {
                throw new IllegalArgumentException("CSR signature invalid");
            }
            return issue(key, commonName, Instant.now().minusSeconds(60), Instant.now().plus(validity), false);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("CSR unreadable: " + e.getMessage(), e);
        }
    }

    private X509Certificate issue(PublicKey key, String commonName, Instant notBefore, Instant notAfter,
            boolean server, String... extraAddresses) {
        try {
            var builder = new JcaX509v3CertificateBuilder(certificate, BigInteger.valueOf(SERIALS.incrementAndGet()),
                    Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + commonName), key)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
            if (server) {
                java.util.List<GeneralName> names = new java.util.ArrayList<>();
                names.add(new GeneralName(GeneralName.dNSName, "localhost"));
                names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
                for (String address : extraAddresses) {
                    names.add(new GeneralName(GeneralName.iPAddress, address));
                }
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            return sign(builder, keys);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(org.bouncycastle.cert.X509v3CertificateBuilder builder, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }
}
