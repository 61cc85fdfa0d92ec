package dev.gatehouse.pki.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testkit.CommandResult;
import dev.gatehouse.testkit.OpenSshClient;
import dev.gatehouse.testkit.OpenSshServer;
import dev.gatehouse.testkit.SshKeyFiles;
import dev.gatehouse.testkit.SshKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host certificates: a stock client trusts the host through the CA's known_hosts line alone. */
class HostCertificateOpenSshIT {

    private static final SshCertificateAuthority HOST_CA = SshCertificateAuthority.generate("gatehouse-host-ca");

    @TempDir
    static Path keys;

    private static OpenSshServer sshd;
    private static SshKeyFiles userKey;
    private static IssuedCertificate hostCertificate;

    @BeforeAll
    static void startHostPresentingCertificate() {
        SshKeyFiles hostKey = SshKeys.ed25519(keys);
        hostCertificate = HOST_CA.issueHost(new HostCertificateRequest(
                SshPublicKey.parse(hostKey.publicKeyLine()).key(), List.of("web-01", "127.0.0.1"), Duration.ofHours(1)));
        userKey = SshKeys.ed25519(keys);
        sshd = OpenSshServer.builder()
                .hostKey(hostKey)
                .hostCertificate(hostCertificate.toOpenSshLine())
                .authorizedKeys(userKey.publicKeyLine())
                .start();
    }

    @AfterAll
    static void stop() {
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void issueHostWhenReadBySshKeygenThenHostCertificateWithPrincipals() throws Exception {
        Path file = Files.writeString(keys.resolve("host-cert.pub"), hostCertificate.toOpenSshLine() + "\n");

        String shown = SshKeys.sshKeygen("-L", "-f", file.toString()).stdoutText();

        assertThat(shown)
                .contains("ssh-ed25519-cert-v01@openssh.com host certificate")
                .contains("Signing CA: ED25519 " + HOST_CA.fingerprint())
                .contains("Serial: " + hostCertificate.serial())
                .containsPattern("Principals: \\n\\s+web-01\\n\\s+127.0.0.1\\n");
    }

    @Test
    void connectWhenKnownHostsHasOnlyTheCaLineThenHostTrustedWithoutPrompt() {
        CommandResult result = connect(HOST_CA.knownHostsLine(), "127.0.0.1");

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stdoutText()).isEqualTo("reached\n");
    }

    @Test
    void connectWhenHostNameIsAnotherPrincipalOfTheCertificateThenTrusted() {
        CommandResult result = OpenSshClient.ssh().port(sshd.port()).identity(userKey.privateKey())
                .knownHosts(HOST_CA.knownHostsLine()).option("HostKeyAlias", "web-01")
                .arguments("root@127.0.0.1", "echo reached").run();

        assertThat(result.exitCode()).as(result.describe()).isZero();
    }

    @Test
    void connectWhenHostNameNotInCertificateThenHostKeyVerificationFails() {
        CommandResult result = OpenSshClient.ssh().port(sshd.port()).identity(userKey.privateKey())
                .knownHosts(HOST_CA.knownHostsLine()).option("HostKeyAlias", "db-01")
                .arguments("root@127.0.0.1", "echo reached").run();

        assertThat(result.exitCode()).as(result.describe()).isEqualTo(255);
        assertThat(result.stderr()).contains("Host key verification failed");
    }

    @Test
    void connectWhenKnownHostsTrustsAnotherCaThenHostKeyVerificationFails() {
        SshCertificateAuthority other = SshCertificateAuthority.generate("other-host-ca");

        CommandResult result = connect(other.knownHostsLine(), "127.0.0.1");

        assertThat(result.exitCode()).as(result.describe()).isEqualTo(255);
        assertThat(result.stderr()).contains("Host key verification failed");
        assertThat(result.stdoutText()).doesNotContain("reached");
    }

    private static CommandResult connect(String knownHostsLine, String host) {
        return OpenSshClient.ssh().port(sshd.port()).identity(userKey.privateKey()).knownHosts(knownHostsLine)
                .arguments("root@" + host, "echo reached").run();
    }
}
