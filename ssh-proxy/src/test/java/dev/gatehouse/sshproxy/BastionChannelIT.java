package dev.gatehouse.sshproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.sshproxy.fixture.AgainstOneTarget;
import dev.gatehouse.sshproxy.fixture.SshRun.Result;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Shell and exec channels behave as with plain OpenSSH: bytes, EOF, exit status, exit signal, pty and resize. */
class BastionChannelIT extends AgainstOneTarget {

    private static final int MIB = 1024 * 1024;

    @Test
    void sixtyFourMebibytesCrossEachWayByteExact() throws Exception {
        Path upload = dir.resolve("upload.bin");
        try (OutputStream out = Files.newOutputStream(upload)) {
            Random random = new Random(42);
            byte[] block = new byte[MIB];
            for (int i = 0; i < 64; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        String expected = sha256(Files.readAllBytes(upload));
        String remote = dir.resolve("remote.bin").toString();

        Result up = gw.alice.sshWithInput(upload.toFile(),
                gw.direct("root", "web-01", "cat > " + remote + " && sha256sum " + remote));
        Result down = gw.alice.ssh(gw.jump("root", "web-01", "cat " + remote));

        assertThat(up.exitCode()).as(up.stderr()).isZero();
        assertThat(up.out()).startsWith(expected);
        assertThat(down.exitCode()).as(down.stderr()).isZero();
        assertThat(down.stdout().length).isEqualTo(64 * MIB);
        assertThat(sha256(down.stdout())).isEqualTo(expected);
    }

    @Test
    void stderrAndStdoutStaySeparateAndTheExitStatusComesBack() throws Exception {
        Result result = gw.alice.ssh(gw.direct("root", "web-01", "echo out; echo err >&2; exit 42"));

        assertThat(result.exitCode()).isEqualTo(42);
        assertThat(result.out()).isEqualTo("out\n");
        assertThat(result.stderr()).contains("err\n");
    }

    @Test
    void aCommandKilledByASignalEndsLikeWithOpenSsh() throws Exception {
        Result result = gw.alice.ssh(gw.direct("root", "web-01", "echo before; kill -TERM $$"));

        assertThat(result.out()).isEqualTo("before\n");
        // OpenSSH's client reports a remote death by signal as status 255.
        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(gw.events.await(e -> e.equals("ended status=null signal=TERM"))).isTrue();
    }

    @Test
    void dashTGetsNoTerminalAndDashTtGetsOne() throws Exception {
        Result noPty = gw.alice.ssh(gw.direct("root", "web-01", "-T", "tty"));
        Result pty = gw.alice.ssh(gw.direct("root", "web-01", "-tt", "tty; echo $TERM"));

        assertThat(noPty.out()).contains("not a tty");
        assertThat(noPty.exitCode()).isEqualTo(1);
        assertThat(pty.exitCode()).isZero();
        assertThat(pty.out()).contains("/dev/pts/");
    }

    @Test
    void aProgramOnATerminalSeesTheClientsResize() throws Exception {
        Path script = dir.resolve("pty-drive.py");
        Files.copy(BastionChannelIT.class.getResourceAsStream("/pty-drive.py"), script,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Result result = gw.alice.driven(script, List.of("resize"), gw.alice.client().flags("-t")
                .arguments(gw.direct("root", "web-01", "trap 'echo RESIZED $(stty size); exit 0' WINCH;"
                        + " echo READY $(stty size); while true; do sleep 0.1; done")));

        assertThat(result.out()).contains("READY 24 80").contains("RESIZED 50 132");
        assertThat(gw.events.await(e -> e.equals("resize 132x50"))).isTrue();
        var tape = gw.recorder.sessions().stream()
                .filter(t -> t.start().command() != null && t.start().command().contains("RESIZED")).findFirst()
                .orElseThrow();
        assertThat(tape.start().term()).isNotBlank();
        assertThat(tape.start().cols()).isEqualTo(80);
        assertThat(tape.resizes()).anyMatch(size -> size[0] == 132 && size[1] == 50);
        assertThat(tape.outputText()).contains("READY 24 80");
    }

    @Test
    void stdinEndOfFileReachesTheCommand() throws Exception {
        Path input = dir.resolve("lines.txt");
        Files.writeString(input, "one\ntwo\nthree\n");

        Result result = gw.alice.sshWithInput(input.toFile(), gw.jump("root", "web-01", "wc -l"));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.out().trim()).isEqualTo("3");
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
