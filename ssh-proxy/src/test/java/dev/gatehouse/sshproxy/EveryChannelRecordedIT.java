package dev.gatehouse.sshproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.recording.ChannelStream;
import dev.gatehouse.audit.recording.InMemorySessionRecorder.Tape;
import dev.gatehouse.sshproxy.fixture.AgainstOneTarget;
import dev.gatehouse.sshproxy.fixture.SshRun.Result;
import dev.gatehouse.testkit.OpenSshClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Channels without a pty are recorded like terminals: stdin, stdout and stderr each reach the recorder exactly as
 * they crossed the bastion (checked against copies the client side tees off), for plain OpenSSH, scp and rsync.
 */
class EveryChannelRecordedIT extends AgainstOneTarget {

    @Test
    void anExecCommandsStdoutAndStderrAreRecordedApart() throws Exception {
        Path secret = dir.resolve("shadow-like");
        Files.writeString(secret, "root:$6$salt$hash:19000:0:99999:7:::\n");
        Result result = gw.alice.ssh(gw.direct("root", "web-01", "cat " + secret + "; echo exec-err >&2"));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        Tape tape = tape(t -> t.start().command() != null && t.start().command().contains(secret.toString()));
        assertThat(tape.stream(ChannelStream.STDOUT)).isEqualTo(result.stdout());
        assertThat(tape.stream(ChannelStream.STDERR)).isEqualTo("exec-err\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aShellWithoutAPtyRecordsThePipedStdinAndWhatCameBack() throws Exception {
        Path input = dir.resolve("piped.txt");
        Files.writeString(input, "echo piped-marker-$((6*7))\n");
        Result result = gw.alice.sshWithInput(input.toFile(), gw.direct("root", "web-01", "-T"));

        assertThat(result.out()).contains("piped-marker-42");
        Tape tape = tape(t -> new String(t.stream(ChannelStream.STDIN), StandardCharsets.UTF_8)
                .contains("piped-marker"));
        assertThat(tape.start().term()).isNull();
        assertThat(tape.stream(ChannelStream.STDIN)).isEqualTo(Files.readAllBytes(input));
        assertThat(tape.stream(ChannelStream.STDOUT)).isEqualTo(result.stdout());
    }

    @Test
    void aScriptFedToBashIsRecordedAsStdin() throws Exception {
        Path script = dir.resolve("script.sh");
        Files.writeString(script, "#!/bin/bash\necho script-marker-$((5+5))\nprintf 'a\\0b' \n");
        Result result = gw.alice.sshWithInput(script.toFile(), gw.direct("root", "web-01", "bash -s"));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        Tape tape = tape(t -> "bash -s".equals(t.start().command())
                && new String(t.stream(ChannelStream.STDIN), StandardCharsets.UTF_8).contains("script-marker"));
        assertThat(tape.stream(ChannelStream.STDIN)).isEqualTo(Files.readAllBytes(script));
        assertThat(tape.stream(ChannelStream.STDOUT)).isEqualTo(result.stdout());
    }

    @Test
    void legacyScpBothWaysIsRecordedByteExact() throws Exception {
        Path work = Files.createDirectories(dir.resolve("scp-rec"));
        byte[] content = new byte[300_000];
        new Random(3).nextBytes(content);
        Files.write(work.resolve("a.bin"), content);
        Tee tee = tee(work);
        Result up = gw.alice.run(legacyScp(tee).arguments(work.resolve("a.bin").toString(),
                "127.0.0.1:" + work.resolve("b.bin")));
        assertThat(up.exitCode()).as(up.stderr()).isZero();
        Tape upload = tape(t -> ("scp -t " + work.resolve("b.bin")).equals(t.start().command()));
        assertSameBytes(upload.stream(ChannelStream.STDIN), tee.in());
        assertSameBytes(upload.stream(ChannelStream.STDOUT), tee.out());

        Result down = gw.alice.run(legacyScp(tee).arguments("127.0.0.1:" + work.resolve("b.bin"),
                work.resolve("c.bin").toString()));
        assertThat(down.exitCode()).as(down.stderr()).isZero();
        Tape download = tape(t -> ("scp -f " + work.resolve("b.bin")).equals(t.start().command()));
        assertSameBytes(download.stream(ChannelStream.STDIN), tee.in());
        assertSameBytes(download.stream(ChannelStream.STDOUT), tee.out());
        assertThat(indexOf(download.stream(ChannelStream.STDOUT), content)).isPositive();
    }

    @Test
    void rsyncIsRecordedByteExactBothWays() throws Exception {
        Path work = Files.createDirectories(dir.resolve("rsync-rec"));
        Path source = Files.createDirectories(work.resolve("src"));
        Files.writeString(source.resolve("notes.txt"), "rsync-marker travelled\n");
        Tee tee = tee(work);

        Result result = gw.alice.run(gw.alice.rsync().via(tee.program()).port(gw.bastion.port())
                .arguments("-a", source + "/", "root@web-01@127.0.0.1:" + work.resolve("dst") + "/"));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        Tape tape = tape(t -> t.start().command() != null && t.start().command().startsWith("rsync --server")
                && t.start().command().contains(work.resolve("dst").toString()));
        assertSameBytes(tape.stream(ChannelStream.STDIN), tee.in());
        assertSameBytes(tape.stream(ChannelStream.STDOUT), tee.out());
        assertThat(new String(tape.stream(ChannelStream.STDIN), StandardCharsets.ISO_8859_1))
                .contains("rsync-marker travelled");
    }

    /** A stand-in for {@code ssh} that keeps what the client sent ({@code in}) and what came back ({@code out}). */
    private record Tee(Path program, Path in, Path out) {
    }

    private static Tee tee(Path work) throws Exception {
        Path in = work.resolve("sent.bin");
        Path out = work.resolve("received.bin");
        Path program = work.resolve("teeing-ssh");
        // scp hands ssh one end of a socketpair as stdin and stdout: once ssh is done, the input tee has to go too,
        // or the tool never sees its end of file.
        Files.writeString(program, String.join("\n", "#!/bin/bash", "fifo=$(mktemp -u)", "mkfifo \"$fifo\"",
                // A background job's stdin would be /dev/null unless redirected explicitly.
                "tee " + in + " <&0 > \"$fifo\" & copier=$!",
                "ssh \"$@\" < \"$fifo\" > >(exec tee " + out + ")", "status=$?",
                "kill $copier 2>/dev/null; rm -f \"$fifo\"; exit $status", ""));
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
        return new Tee(program, in, out);
    }

    /** The tee may still be writing its copy when the tool has exited: give it a moment. */
    private static void assertSameBytes(byte[] recorded, Path copy) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline && !java.util.Arrays.equals(recorded, Files.readAllBytes(copy))) {
            Thread.sleep(50);
        }
        assertThat(recorded).isEqualTo(Files.readAllBytes(copy));
    }

    /** The session's tape once it has ended (the relay records the end after the client may have exited). */
    private static Tape tape(Predicate<Tape> which) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            for (Tape t : gw.recorder.sessions()) {
                if (t.end().isPresent() && which.test(t)) {
                    return t;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no ended session matched among " + gw.recorder.sessions().size());
    }

    /** {@code scp -O} through the bastion to web-01, with {@code tee} as its ssh. */
    private OpenSshClient legacyScp(Tee tee) {
        return gw.alice.scp().via(tee.program()).port(gw.bastion.port()).option("User", "root@web-01").flags("-O");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
