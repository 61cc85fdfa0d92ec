package dev.gatehouse.pki.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.testkit.OpenSshServer;
import java.io.ByteArrayOutputStream;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bastion's path: a MINA SSHD client logs in to a real sshd with a per-session key and a certificate from the CA.
 * Host key checking is out of scope here (HostCertificateOpenSshIT covers host trust).
 */
class MinaClientCertificateIT {

    private static final SshCertificateAuthority CA = SshCertificateAuthority.generate("gatehouse-user-ca");
    private static OpenSshServer sshd;
    private static SshClient client;

    @BeforeAll
    static void start() {
        sshd = OpenSshServer.builder().trustedUserCaKeys(CA.publicKeyLine()).start();
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.stop();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Ed25519", "EC"})
    void loginWhenMinaPresentsIssuedCertificateThenSshdRunsCommand(String algorithm) throws Exception {
        KeyPair sessionKey = KeyPairGenerator.getInstance(algorithm).generateKeyPair();
        IssuedCertificate certificate = CA.issueUser(UserCertificateRequest.of(sessionKey.getPublic(),
                List.of("root"), "alice session=mina-" + algorithm, Duration.ofMinutes(5)));

        String output = exec(certificate.identity(sessionKey.getPrivate()), "echo hello-from-$(id -un)");

        assertThat(output).isEqualTo("hello-from-root\n");
        assertThat(sshd.log()).contains("ID alice session=mina-" + algorithm + " (serial " + certificate.serial() + ")");
    }

    @Test
    void loginWhenCertificateForAnotherLoginThenMinaAuthenticationFails() throws Exception {
        KeyPair sessionKey = Ed25519Keys.generate();
        IssuedCertificate certificate = CA.issueUser(UserCertificateRequest.of(sessionKey.getPublic(),
                List.of("deploy"), "alice session=wrong-login", Duration.ofMinutes(5)));

        assertThatThrownBy(() -> exec(certificate.identity(sessionKey.getPrivate()), "true"))
                .hasMessageContaining("No more authentication methods available");
    }

    private static String exec(KeyPair identity, String command) throws Exception {
        try (ClientSession session = client.connect("root", sshd.host(), sshd.port())
                .verify(Duration.ofSeconds(30)).getSession()) {
            session.addPublicKeyIdentity(identity);
            session.auth().verify(Duration.ofSeconds(30));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ChannelExec channel = session.createExecChannel(command)) {
                channel.setOut(out);
                channel.setErr(new ByteArrayOutputStream());
                channel.open().verify(Duration.ofSeconds(30));
                channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(30));
            }
            return out.toString();
        }
    }
}
