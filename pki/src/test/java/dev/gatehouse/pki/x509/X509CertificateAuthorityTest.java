package dev.gatehouse.pki.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

class X509CertificateAuthorityTest {

    private static final X509CertificateAuthority CA = X509CertificateAuthority.generate("Gatehouse internal CA");

    @Test
    void generateWhenCalledThenSelfSignedP256CaCertificate() throws Exception {
        X509Certificate root = CA.certificate();

        root.verify(root.getPublicKey());
        assertThat(root.getSubjectX500Principal()).isEqualTo(new X500Principal("CN=Gatehouse internal CA"));
        assertThat(root.getBasicConstraints()).isZero();
        assertThat(root.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(root.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(root.getKeyUsage()[5]).as("keyCertSign").isTrue();
    }

    @Test
    void signCsrWhenRequestFromCsrBuilderThenCertificateForItsKeyWithCallerNames() throws Exception {
        KeyPair agent = CsrBuilder.generateKeyPair();
        byte[] csr = new CsrBuilder(agent).commonName("requested-name").dnsNames(List.of("evil.example")).toDer();

        X509Certificate issued = CA.signCsr(csr, "agent-berlin-1", List.of("agent-berlin-1.gatehouse", "10.0.0.7"),
                Duration.ofDays(30), Usage.CLIENT);

        issued.verify(CA.certificate().getPublicKey());
        assertThat(issued.getPublicKey()).isEqualTo(agent.getPublic());
        assertThat(issued.getSubjectX500Principal()).isEqualTo(new X500Principal("CN=agent-berlin-1"));
        assertThat(issued.getIssuerX500Principal()).isEqualTo(CA.certificate().getSubjectX500Principal());
        assertThat(issued.getSubjectAlternativeNames().stream().map(name -> (Object) name.get(1)).toList())
                .containsExactly("agent-berlin-1.gatehouse", "10.0.0.7");
        assertThat(issued.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(issued.getBasicConstraints()).isEqualTo(-1);
        assertThat(issued.getNotAfter().toInstant()).isBetween(
                Instant.now().plus(Duration.ofDays(29)), Instant.now().plus(Duration.ofDays(31)));
    }

    @Test
    void signCsrWhenPemThenSameAsDer() {
        KeyPair node = CsrBuilder.generateKeyPair();
        String pem = new CsrBuilder(node).commonName("node-2").toPem();

        X509Certificate issued = CA.signCsr(pem.getBytes(StandardCharsets.US_ASCII), "node-2", List.of("node-2"),
                Duration.ofDays(1), Usage.BOTH);

        assertThat(pem).startsWith("-----BEGIN CERTIFICATE REQUEST-----");
        assertThat(issued.getPublicKey()).isEqualTo(node.getPublic());
        assertThat(Pem.certificate(Pem.encode(issued))).isEqualTo(issued);
    }

    @Test
    void signCsrWhenAnySignedByteAlteredThenRefused() {
        byte[] csr = new CsrBuilder(CsrBuilder.generateKeyPair()).commonName("node-3").toDer();
        int nameOffset = indexOf(csr, "node-3".getBytes(StandardCharsets.US_ASCII));
        byte[] tampered = Arrays.copyOf(csr, csr.length);
        tampered[nameOffset] = 'm';

        assertThatThrownBy(() -> CA.signCsr(tampered, "node-3", List.of(), Duration.ofDays(1), Usage.CLIENT))
                .isInstanceOf(InvalidCsrException.class)
                .hasMessageContaining("signature does not verify");
    }

    @Test
    void signCsrWhenGarbageOrEmptyThenRefusedClearly() {
        assertThatThrownBy(() -> CA.signCsr(new byte[0], "x", List.of(), Duration.ofDays(1), Usage.CLIENT))
                .isInstanceOf(InvalidCsrException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> CA.signCsr("hello".getBytes(StandardCharsets.US_ASCII), "x", List.of(),
                Duration.ofDays(1), Usage.CLIENT))
                .isInstanceOf(InvalidCsrException.class).hasMessageContaining("not a readable PKCS#10 request");
        assertThatThrownBy(() -> CA.signCsr("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
                .getBytes(StandardCharsets.US_ASCII), "x", List.of(), Duration.ofDays(1), Usage.CLIENT))
                .isInstanceOf(InvalidCsrException.class);
        assertThatThrownBy(() -> CA.signCsr(new byte[20_000], "x", List.of(), Duration.ofDays(1), Usage.CLIENT))
                .isInstanceOf(InvalidCsrException.class).hasMessageContaining("at most 16384");
    }

    @Test
    void signCsrWhenWeakRsaKeyThenRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        byte[] csr = new CsrBuilder(generator.generateKeyPair()).commonName("weak").toDer();

        assertThatThrownBy(() -> CA.signCsr(csr, "weak", List.of(), Duration.ofDays(1), Usage.CLIENT))
                .isInstanceOf(InvalidCsrException.class).hasMessageContaining("this one has 1024");
    }

    @Test
    void issueWhenEd25519KeyThenCertified() throws Exception {
        KeyPair node = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

        X509Certificate issued = CA.issue(node.getPublic(), "gateway-1", List.of("localhost", "127.0.0.1", "::1"),
                Duration.ofHours(1), Usage.SERVER);

        issued.verify(CA.certificate().getPublicKey());
        assertThat(issued.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    }

    @Test
    void issueWhenHostileNamesThenRefused() {
        KeyPair node = CsrBuilder.generateKeyPair();

        assertThatThrownBy(() -> CA.issue(node.getPublic(), "x".repeat(65), List.of(), Duration.ofHours(1),
                Usage.SERVER)).hasMessageContaining("1 to 64 characters");
        assertThatThrownBy(() -> CA.issue(node.getPublic(), "bad\nname", List.of(), Duration.ofHours(1),
                Usage.SERVER)).hasMessageContaining("control character");
        assertThatThrownBy(() -> CA.issue(node.getPublic(), "ok", List.of("a/b"), Duration.ofHours(1),
                Usage.SERVER)).hasMessageContaining("'a/b' is neither a DNS name nor an IP address");
        assertThatThrownBy(() -> CA.issue(node.getPublic(), "ok", List.of(), Duration.ZERO, Usage.SERVER))
                .hasMessageContaining("validity must be positive");
    }

    @Test
    void ofWhenKeyAndCertificateRestoredFromPemThenIssuesVerifiableCertificates() throws Exception {
        X509CertificateAuthority restored = X509CertificateAuthority.of(
                new KeyPair(Pem.certificate(Pem.encode(CA.certificate())).getPublicKey(),
                        Pem.privateKey(Pem.encode(CA.keyPair().getPrivate()))),
                Pem.certificate(Pem.encode(CA.certificate())));

        X509Certificate issued = restored.issue(CsrBuilder.generateKeyPair().getPublic(), "n", List.of(),
                Duration.ofHours(1), Usage.CLIENT);

        issued.verify(CA.certificate().getPublicKey());
    }

    @Test
    void ofWhenCertificateIsForAnotherKeyThenRefused() {
        assertThatThrownBy(() -> X509CertificateAuthority.of(CsrBuilder.generateKeyPair(), CA.certificate()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not certify the given key pair");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
