package dev.gatehouse.audit.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.spool.EvidenceSpool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An {@link Error} inside the recorder's worker: the worker goes on, and new sessions are refused saying why. */
class RecorderFaultTest {

    @TempDir
    Path dir;

    @Test
    void anErrorInTheWorkerTurnsAcceptingOffWithTheReasonAndTheWorkerGoesOn() throws Exception {
        AtomicBoolean outOfMemory = new AtomicBoolean();
        // Signing runs on the worker thread: the simulated heap exhaustion strikes there.
        AuditKey key = InterceptedAuditKey.create(() -> {
            if (outOfMemory.get()) {
                throw new OutOfMemoryError("Java heap space (simulated)");
            }
        });
        List<Evidence> stored = new CopyOnWriteArrayList<>();
        EvidenceSpool spool = new EvidenceSpool(dir, stored::addAll, 1 << 20);
        try (AsyncSessionRecorder recorder = new AsyncSessionRecorder(RecorderSettings.defaults("node-a"),
                key, spool)) {
            assertThat(recorder.accepting()).isTrue();
            SessionRecording first = recorder.open(SessionStart.shell("fault-1", "alice", "root", "web-01", 80, 24));
            output(first, "before the fault\r\n");
            outOfMemory.set(true);
            first.end(SessionEnd.exited(0)); // the end's checkpoint signs on the worker thread

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (recorder.accepting() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(recorder.accepting()).as("accepting after an Error in the worker").isFalse();
            assertThat(recorder.unavailable()).contains("audit recorder failed").contains("OutOfMemoryError");

            outOfMemory.set(false);
            SessionRecording second = recorder.open(SessionStart.shell("fault-2", "alice", "root", "web-01", 80, 24));
            output(second, "after the fault\r\n");
            second.end(SessionEnd.exited(0));
            assertThat(recorder.awaitStored(Duration.ofSeconds(30))).as("the worker still stores").isTrue();
            assertThat(stored).anyMatch(e -> e instanceof Evidence.Closed c && c.sessionId().equals("fault-2"));
        }
    }

    private static void output(SessionRecording recording, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        recording.output(b, 0, b.length);
    }
}
