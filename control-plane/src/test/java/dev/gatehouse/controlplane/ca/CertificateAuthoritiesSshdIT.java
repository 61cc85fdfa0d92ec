package dev.gatehouse.controlplane.ca;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.pki.ssh.IssuedCertificate;
import dev.gatehouse.pki.ssh.SshPublicKey;
import dev.gatehouse.testkit.CommandResult;
import dev.gatehouse.testkit.OpenSshClient;
import dev.gatehouse.testkit.OpenSshServer;
import dev.gatehouse.testkit.SshKeyFiles;
import dev.gatehouse.testkit.SshKeys;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The CA lines the API serves, used by real OpenSSH: an sshd whose TrustedUserCAKeys holds {@code /ca/ssh-user}
 * accepts a certificate the control plane issued, and a client whose known_hosts holds {@code /ca/ssh-host} trusts a
 * host certificate it issued.
 */
class CertificateAuthoritiesSshdIT extends GatehouseTestApplication {

    @Autowired
    CertificateAuthorities authorities;

    @TempDir
    Path keys;

    @Test
    void sshdTrustingTheServedUserCaLineAcceptsAnIssuedSessionCertificate() {
        String caLine = api.get("/api/v1/ca/ssh-user", ADMIN).body();
        assertThat(caLine).matches("ssh-ed25519 [A-Za-z0-9+/=]+ gatehouse-user-ca\n");

        try (OpenSshServer sshd = OpenSshServer.builder().trustedUserCaKeys(caLine.strip()).start()) {
            SshKeyFiles sessionKey = SshKeys.ed25519(keys);
            IssuedCertificate certificate = authorities.issueSessionCertificate(
                    SshPublicKey.parse(sessionKey.publicKeyLine()).key(), "alice", "s-42", sshd.loginUser(),
                    Duration.ofMinutes(2), true, false);
            Path certificateFile = sessionKey.writeCertificate(certificate.toOpenSshLine());

            CommandResult described = SshKeys.sshKeygen("-L", "-f", certificateFile.toString());
            assertThat(described.stdoutText()).contains("Key ID: \"gatehouse user=alice session=s-42\"")
                    .contains(sshd.loginUser()).contains("permit-pty").contains("permit-port-forwarding")
                    .doesNotContain("permit-agent-forwarding");

            CommandResult login = OpenSshClient.ssh().port(sshd.port()).identity(sessionKey.privateKey())
                    .certificate(certificateFile).knownHosts(sshd.knownHostsLine())
                    .arguments(sshd.loginUser() + "@127.0.0.1", "echo reached-$USER").run();

            assertThat(login.succeeded()).as(login.describe()).isTrue();
            assertThat(login.stdoutText().strip()).isEqualTo("reached-" + sshd.loginUser());
            assertThat(sshd.log()).contains("gatehouse user=alice session=s-42");
        }
    }

    @Test
    void sshdRefusesACertificateForAnotherLogin() {
        String caLine = api.get("/api/v1/ca/ssh-user", ADMIN).body().strip();
        try (OpenSshServer sshd = OpenSshServer.builder().trustedUserCaKeys(caLine).start()) {
            SshKeyFiles sessionKey = SshKeys.ed25519(keys);
            IssuedCertificate certificate = authorities.issueSessionCertificate(
                    SshPublicKey.parse(sessionKey.publicKeyLine()).key(), "alice", "s-43", "someone-else",
                    Duration.ofMinutes(2), false, false);
            Path certificateFile = sessionKey.writeCertificate(certificate.toOpenSshLine());

            CommandResult login = OpenSshClient.ssh().port(sshd.port()).identity(sessionKey.privateKey())
                    .certificate(certificateFile).knownHosts(sshd.knownHostsLine())
                    .arguments(sshd.loginUser() + "@127.0.0.1", "true").run();

            assertThat(login.succeeded()).isFalse();
            assertThat(login.stderr()).contains("Permission denied");
        }
    }

    @Test
    void clientTrustingTheServedHostCaLineAcceptsAnIssuedHostCertificate() {
        String knownHostsLine = api.get("/api/v1/ca/ssh-host", ADMIN).body();
        assertThat(knownHostsLine).matches("@cert-authority \\* ssh-ed25519 [A-Za-z0-9+/=]+ gatehouse-host-ca\n");
        SshKeyFiles hostKey = SshKeys.ed25519(keys);
        IssuedCertificate hostCertificate = authorities.issueHostCertificate(
                SshPublicKey.parse(hostKey.publicKeyLine()).key(), "127.0.0.1", Duration.ofHours(1));
        String userCa = api.get("/api/v1/ca/ssh-user", ADMIN).body().strip();

        try (OpenSshServer sshd = OpenSshServer.builder().hostKey(hostKey)
                .hostCertificate(hostCertificate.toOpenSshLine()).trustedUserCaKeys(userCa).start()) {
            SshKeyFiles sessionKey = SshKeys.ed25519(keys);
            Path certificateFile = sessionKey.writeCertificate(authorities.issueSessionCertificate(
                    SshPublicKey.parse(sessionKey.publicKeyLine()).key(), "alice", "s-44", sshd.loginUser(),
                    Duration.ofMinutes(2), false, false).toOpenSshLine());

            CommandResult login = OpenSshClient.ssh().port(sshd.port()).identity(sessionKey.privateKey())
                    .certificate(certificateFile).knownHosts(knownHostsLine.strip())
                    .arguments(sshd.loginUser() + "@127.0.0.1", "true").run();

            assertThat(login.succeeded()).as(login.describe()).isTrue();
        }
    }
}
