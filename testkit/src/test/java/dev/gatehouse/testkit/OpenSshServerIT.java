package dev.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixtures against each other: real sshd, real ssh/scp/sftp/rsync, keys from the real ssh-keygen. */
class OpenSshServerIT {

    @TempDir
    static Path work;

    private static SshKeyFiles key;
    private static OpenSshServer sshd;

    @BeforeAll
    static void start() {
        key = SshKeys.ed25519(work.resolve("keys"));
        sshd = OpenSshServer.builder().authorizedKeys(key.publicKeyLine()).config("Banner none").start();
    }

    @AfterAll
    static void stop() {
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void sshWhenAuthorizedKeyThenRunsCommandWithStdinAndStrictHostKey() {
        CommandResult result = client(OpenSshClient.ssh()).stdin("hello over ssh".getBytes(StandardCharsets.UTF_8))
                .arguments("root@127.0.0.1", "cat; echo; id -un").run();

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stdoutText()).isEqualTo("hello over ssh\nroot\n");
        assertThat(sshd.log()).contains("Accepted publickey for root from 127.0.0.1");
    }

    @Test
    void sshWhenLoggedInThenHomeIsAnEmptyDirectoryOfTheServerNotTheUsersDotfiles() {
        CommandResult result = client(OpenSshClient.ssh()).arguments("root@127.0.0.1", "echo \"$HOME\"; ls -A \"$HOME\"")
                .run();

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stdoutText()).isEqualTo(sshd.directory().resolve("home") + "\n");
    }

    @Test
    void sshWhenRemoteCommandFailsThenExitCodeAndStderrComeBack() {
        CommandResult result = client(OpenSshClient.ssh()).arguments("root@127.0.0.1", "echo oops >&2; exit 7").run();

        assertThat(result.exitCode()).isEqualTo(7);
        assertThat(result.stderr()).contains("oops");
    }

    @Test
    void sshWhenKnownHostsHoldsAnotherKeyThenHostKeyVerificationFails() {
        String otherKey = SshKeys.ed25519(work.resolve("other")).publicKeyLine();

        CommandResult result = OpenSshClient.ssh().port(sshd.port()).identity(key.privateKey())
                .knownHosts("[127.0.0.1]:" + sshd.port() + " " + otherKey)
                .arguments("root@127.0.0.1", "true").run();

        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(result.stderr()).contains("Host key verification failed");
    }

    @Test
    void scpSftpAndRsyncWhenCopyingThenFilesArriveIntact() throws IOException {
        Path source = Files.write(work.resolve("payload.bin"), new byte[] {0, 1, 2, 3, (byte) 255});
        Path target = Files.createDirectories(work.resolve("target"));

        CommandResult scp = client(OpenSshClient.scp())
                .arguments(source.toString(), "root@127.0.0.1:" + target.resolve("by-scp.bin")).run();
        CommandResult sftp = client(OpenSshClient.sftp()).flags("-b", "-")
                .stdin(("put " + source + " " + target.resolve("by-sftp.bin") + "\n").getBytes(StandardCharsets.UTF_8))
                .arguments("root@127.0.0.1").run();
        CommandResult rsync = client(OpenSshClient.rsync())
                .arguments(source.toString(), "root@127.0.0.1:" + target.resolve("by-rsync.bin")).run();

        assertThat(scp.exitCode()).as(scp.describe()).isZero();
        assertThat(sftp.exitCode()).as(sftp.describe()).isZero();
        assertThat(rsync.exitCode()).as(rsync.describe()).isZero();
        for (String name : new String[] {"by-scp.bin", "by-sftp.bin", "by-rsync.bin"}) {
            assertThat(target.resolve(name)).hasSameBinaryContentAs(source);
        }
    }

    @Test
    void runWhenProgramOutlivesTimeoutThenFailsInsteadOfHanging() {
        OpenSshClient slow = client(OpenSshClient.ssh()).timeout(Duration.ofSeconds(3))
                .arguments("root@127.0.0.1", "sleep 60");

        assertThatThrownBy(slow::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("did not finish");
    }

    @Test
    void closeWhenCalledThenPortClosedAndDirectoryRemoved() {
        OpenSshServer second = OpenSshServer.builder().start();
        Path directory = second.directory();
        int port = second.port();
        assertThat(accepts(port)).isTrue();

        second.close();

        assertThat(directory).doesNotExist();
        assertThat(accepts(port)).isFalse();
    }

    @Test
    void startWhenConfigInvalidThenErrorShowsSshdComplaint() {
        assertThatThrownBy(() -> OpenSshServer.builder().config("NoSuchOption yes").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sshd refuses the test configuration")
                .hasMessageContaining("NoSuchOption");
    }

    private static OpenSshClient client(OpenSshClient program) {
        return program.port(sshd.port()).identity(key.privateKey()).knownHosts(sshd.knownHostsLine());
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
