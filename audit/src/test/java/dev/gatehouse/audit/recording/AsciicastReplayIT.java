package dev.gatehouse.audit.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stored recording plays in the real Debian {@code asciinema} program and shows what the user saw. */
class AsciicastReplayIT {

    @TempDir
    static Path dir;
    static RecordingFixture pipeline;

    @BeforeAll
    static void start() {
        // Tiny chunks, so a modest session is sealed into many chunks that must join back into one playable file.
        pipeline = RecordingFixture.start(dir, RecorderSettings.defaults("replay")
                .withChunking(256, Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    @Test
    void recordedSessionSealedInManyChunksReplaysInAsciinemaAsTheUserSawIt() throws Exception {
        SessionRecording r = pipeline.recorder().open(SessionStart.shell("replay-1", "alice", "root", "web-01", 80, 24));
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            String line = "\u001b[32mline " + i + "\u001b[0m caf\u00e9 \u2603 ok\r\n";
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            // Split inside the multi-byte characters on purpose: frames do not respect UTF-8 boundaries.
            int cut = b.length - 6;
            r.output(b, 0, cut);
            r.output(b, cut, b.length - cut);
            seen.append("line ").append(i).append(" caf\u00e9 \u2603 ok\n");
            Thread.sleep(12); // longer than the coalescing window: many separate events
        }
        r.resize(100, 30);
        r.end(SessionEnd.exited(0));
        pipeline.awaitStored();

        assertThat(pipeline.blobs().list("sessions/replay-1/")).hasSizeGreaterThan(3);
        Path cast = dir.resolve("replay-1.cast");
        Files.writeString(cast, pipeline.cast("replay-1"));

        String played = play(cast);
        assertThat(played.replace("\r", "")).contains(seen.toString().strip());
    }

    private static String play(Path cast) throws Exception {
        Process p = new ProcessBuilder("script", "-qc", "asciinema cat " + cast, "/dev/null")
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("asciinema cat output: %s", text).isZero();
        return text.replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "");
    }
}
