package dev.gatehouse.pki.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testkit.CommandResult;
import dev.gatehouse.testkit.OpenSshClient;
import dev.gatehouse.testkit.OpenSshServer;
import dev.gatehouse.testkit.SshKeyFiles;
import dev.gatehouse.testkit.SshKeys;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** User certificates from {@link SshCertificateAuthority} against the real ssh-keygen, ssh and sshd. */
class UserCertificateOpenSshIT {

    private static final SshCertificateAuthority CA = SshCertificateAuthority.generate("gatehouse-user-ca");
    private static OpenSshServer sshd;

    @TempDir
    Path keys;

    @BeforeAll
    static void startTarget() {
        sshd = OpenSshServer.builder().trustedUserCaKeys(CA.publicKeyLine()).start();
    }

    @AfterAll
    static void stopTarget() {
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void issueUserWhenReadBySshKeygenThenShowsEveryField() {
        SshKeyFiles key = SshKeys.ed25519(keys);
        IssuedCertificate certificate = CA.issueUser(UserCertificateRequest
                .of(publicKeyOf(key), List.of("root", "deploy"), "alice session=01JTEST", Duration.ofMinutes(5))
                .withCriticalOptions(Map.of("source-address", "127.0.0.1/32")));
        Path file = key.writeCertificate(certificate.toOpenSshLine());

        String shown = SshKeys.sshKeygen("-L", "-f", file.toString()).stdoutText();

        assertThat(shown)
                .contains("ssh-ed25519-cert-v01@openssh.com user certificate")
                .contains("Signing CA: ED25519 " + CA.fingerprint())
                .contains("Key ID: \"alice session=01JTEST\"")
                .contains("Serial: " + certificate.serial())
                .contains("Valid: from " + local(certificate.validAfter()) + " to " + local(certificate.validBefore()))
                .containsPattern("Principals: \\n\\s+root\\n\\s+deploy\\n")
                .containsPattern("Critical Options: \\n\\s+source-address 127.0.0.1/32\\n")
                .containsPattern("Extensions: \\n\\s+permit-port-forwarding\\n\\s+permit-pty\\n");
        assertThat(certificate.validAfter()).isBefore(Instant.now().minusSeconds(20));
        assertThat(certificate.validBefore()).isBetween(Instant.now().plus(Duration.ofMinutes(4)),
                Instant.now().plus(Duration.ofMinutes(6)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa", "rsa"})
    void loginWhenCertificateFromTrustedCaThenSshdAccepts(String type) {
        SshKeyFiles key = SshKeys.generate(keys, type, type.equals("rsa") ? 3072 : 0);
        String keyId = "alice session=" + type;
        IssuedCertificate certificate = CA.issueUser(UserCertificateRequest
                .of(publicKeyOf(key), List.of("root"), keyId, Duration.ofMinutes(5)));
        key.writeCertificate(certificate.toOpenSshLine());

        CommandResult result = login(key, key.certificate(), "echo logged-in-as-$(id -un)");

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stdoutText()).isEqualTo("logged-in-as-root\n");
        assertThat(sshd.log()).contains("ID " + keyId + " (serial " + certificate.serial() + ")");
    }

    @Test
    void loginWhenKeyWithoutCertificateThenRefused() {
        SshKeyFiles key = SshKeys.ed25519(keys);

        CommandResult result = login(key, null, "true");

        assertRefused(result);
    }

    @Test
    void loginWhenCertificateNamesAnotherPrincipalThenRefused() {
        SshKeyFiles key = certifiedKey(CA, List.of("deploy"), request -> request);

        CommandResult result = login(key, key.certificate(), "true");

        assertRefused(result);
        assertThat(sshd.log()).contains("name is not a listed principal");
    }

    @Test
    void loginWhenCertificateExpiredThenRefused() {
        SshKeyFiles key = SshKeys.ed25519(keys);
        SshCertificateAuthority hourAgo = CA.withClock(Clock.fixed(Instant.now().minus(Duration.ofHours(1)),
                ZoneOffset.UTC));
        IssuedCertificate certificate = hourAgo.issueUser(UserCertificateRequest
                .of(publicKeyOf(key), List.of("root"), "alice session=expired", Duration.ofMinutes(5)));
        key.writeCertificate(certificate.toOpenSshLine());

        CommandResult result = login(key, key.certificate(), "true");

        assertThat(certificate.validBefore()).isBefore(Instant.now());
        assertRefused(result);
        assertThat(sshd.log()).contains("expired");
    }

    @Test
    void loginWhenCertificateFromAnotherCaThenRefused() {
        SshKeyFiles key = certifiedKey(SshCertificateAuthority.generate("someone-else"), List.of("root"),
                request -> request);

        CommandResult result = login(key, key.certificate(), "true");

        assertRefused(result);
    }

    @Test
    void loginWhenSourceAddressOptionExcludesClientThenRefused() {
        SshKeyFiles key = certifiedKey(CA, List.of("root"),
                request -> request.withCriticalOptions(Map.of("source-address", "192.0.2.0/24")));

        CommandResult result = login(key, key.certificate(), "true");

        assertRefused(result);
    }

    @Test
    void ptyWhenExtensionLeftOutThenSshdRefusesTerminal() {
        SshKeyFiles key = certifiedKey(CA, List.of("root"), request -> request.withExtensions(Map.of()));

        CommandResult result = OpenSshClient.ssh().port(sshd.port()).identity(key.privateKey())
                .certificate(key.certificate()).flags("-tt").arguments("root@127.0.0.1", "tty").run();

        assertThat(result.stderr() + result.stdoutText()).as(result.describe()).contains("PTY allocation request failed");
    }

    private SshKeyFiles certifiedKey(SshCertificateAuthority issuer, List<String> principals,
            UnaryOperator<UserCertificateRequest> adjust) {
        SshKeyFiles key = SshKeys.ed25519(keys);
        UserCertificateRequest request = UserCertificateRequest.of(publicKeyOf(key), principals, "alice session=test",
                Duration.ofMinutes(5));
        key.writeCertificate(issuer.issueUser(adjust.apply(request)).toOpenSshLine());
        return key;
    }

    private static CommandResult login(SshKeyFiles key, Path certificate, String command) {
        OpenSshClient client = OpenSshClient.ssh().port(sshd.port()).identity(key.privateKey())
                .knownHosts(sshd.knownHostsLine());
        if (certificate != null) {
            client.certificate(certificate);
        }
        return client.arguments("root@127.0.0.1", command).run();
    }

    private static void assertRefused(CommandResult result) {
        assertThat(result.exitCode()).as(result.describe()).isEqualTo(255);
        assertThat(result.stderr()).contains("Permission denied");
    }

    static PublicKey publicKeyOf(SshKeyFiles key) {
        return SshPublicKey.parse(key.publicKeyLine()).key();
    }

    private static String local(Instant instant) {
        return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.SECONDS), ZoneId.systemDefault())
                .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
    }
}
