package dev.gatehouse.pki.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SshCertificateAuthorityTest {

    private static final SshCertificateAuthority CA = SshCertificateAuthority.generate("gatehouse-user-ca");
    private static final PublicKey SUBJECT = SshPublicKeyTest.generate("Ed25519", null);

    @Test
    void publicKeyLineWhenReadBackThenEd25519KeyWithComment() {
        SshPublicKey line = SshPublicKey.parse(CA.publicKeyLine());

        assertThat(line.algorithm()).isEqualTo("ssh-ed25519");
        assertThat(line.comment()).isEqualTo("gatehouse-user-ca");
        assertThat(line.fingerprint()).isEqualTo(CA.fingerprint());
        assertThat(CA.knownHostsLine()).isEqualTo("@cert-authority * " + CA.publicKeyLine());
    }

    @Test
    void issueUserWhenManyCertificatesThenSerialsUniqueAndPositive() {
        Set<Long> serials = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            serials.add(CA.issueUser(UserCertificateRequest.of(SUBJECT, List.of("root"), "alice", Duration.ofMinutes(1)))
                    .serial());
        }

        assertThat(serials).hasSize(200).allMatch(serial -> serial > 0);
    }

    @Test
    void issueUserWhenJdkEd25519SubjectThenCertificateCarriesThatKey() {
        IssuedCertificate issued = CA.issueUser(UserCertificateRequest.of(SUBJECT, List.of("root"), "alice",
                Duration.ofMinutes(1)));

        assertThat(SshPublicKey.fingerprint(issued.certificate().getCertPubKey()))
                .isEqualTo(SshPublicKey.fingerprint(SUBJECT));
        assertThat(issued.toOpenSshLine()).startsWith("ssh-ed25519-cert-v01@openssh.com AAAA");
        assertThat(issued.principals()).containsExactly("root");
    }

    @Test
    void requestWhenPrincipalsEmptyThenRefusedBecauseOpenSshWouldAcceptAnyLogin() {
        assertThatThrownBy(() -> UserCertificateRequest.of(SUBJECT, List.of(), "alice", Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one principal");
        assertThatThrownBy(() -> new HostCertificateRequest(SUBJECT, List.of(), Duration.ofMinutes(1)))
                .hasMessageContaining("at least one principal");
    }

    @Test
    void requestWhenHostileTextThenRefused() {
        assertThatThrownBy(() -> UserCertificateRequest.of(SUBJECT, List.of("root"), "alice\nroot",
                Duration.ofMinutes(1))).hasMessageContaining("key id contains a control character");
        assertThatThrownBy(() -> UserCertificateRequest.of(SUBJECT, List.of("root,admin"), "alice",
                Duration.ofMinutes(1))).hasMessageContaining("contains a comma");
        assertThatThrownBy(() -> UserCertificateRequest.of(SUBJECT, List.of("root"), "x".repeat(2000),
                Duration.ofMinutes(1))).hasMessageContaining("at most 1024");
        assertThatThrownBy(() -> UserCertificateRequest.of(SUBJECT, List.of("root"), "alice", Duration.ZERO))
                .hasMessageContaining("validity must be positive");
        assertThatThrownBy(() -> UserCertificateRequest.of(SUBJECT, List.of("root"), "alice", Duration.ofMinutes(1))
                .withCriticalOptions(Map.of("source-address", "10.0.0.1\u0000"))).hasMessageContaining("unprintable");
    }

    @Test
    void ofWhenKeyIsNotEd25519ThenRefused() throws Exception {
        var rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();

        assertThatThrownBy(() -> SshCertificateAuthority.of(rsa, "ca"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be Ed25519");
    }

    @Test
    void ofWhenJdkKeyPairThenSameLineAsMinaKeyPair() throws Exception {
        var jdk = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

        SshCertificateAuthority fromJdk = SshCertificateAuthority.of(jdk, "ca");

        assertThat(fromJdk.fingerprint()).isEqualTo(SshPublicKey.fingerprint(jdk.getPublic()));
        assertThat(fromJdk.toString()).contains(fromJdk.fingerprint()).doesNotContain("PRIVATE");
    }
}
