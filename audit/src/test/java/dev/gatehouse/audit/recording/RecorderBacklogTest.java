package dev.gatehouse.audit.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.spool.EvidenceSpool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While the recorder is behind, a session's frames wait in its recording's backlog: control frames (keystrokes kept
 * only for finding commands, resizes, events) within a bound, nothing dropped silently; data frames without making
 * the caller wait, which holds its peer back (by the SSH window) until {@code whenCaughtUp} runs.
 */
class RecorderBacklogTest {

    @TempDir
    Path dir;

    private final CountDownLatch signing = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Evidence> stored = new CopyOnWriteArrayList<>();

    @AfterEach
    void letGo() {
        release.countDown();
    }

    /** A recorder whose worker is stuck signing the end of a first session until the test lets it go on. */
    private AsyncSessionRecorder stuckRecorder(RecorderSettings settings) throws Exception {
        AuditKey key = InterceptedAuditKey.create(() -> {
            signing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AsyncSessionRecorder recorder = new AsyncSessionRecorder(settings, key,
                new EvidenceSpool(dir, stored::addAll, 1 << 20));
        recorder.open(SessionStart.shell("stuck-1", "alice", "root", "web-01", 80, 24)).end(SessionEnd.exited(0));
        assertThat(signing.await(30, TimeUnit.SECONDS)).as("the worker is stuck signing").isTrue();
        return recorder;
    }

    @Test
    void aFloodOfInputEventsAndResizesWhileTheWorkerIsStuckStaysWithinTheBacklogBoundAndLeavesAMarker()
            throws Exception {
        try (AsyncSessionRecorder recorder = stuckRecorder(RecorderSettings.defaults("node-a").withQueue(4, 1 << 20))) {
            QueuedRecording flooded = (QueuedRecording) recorder.open(
                    SessionStart.shell("flood-1", "alice", "root", "web-01", 80, 24));
            byte[] typed = new byte[4096];
            long largest = 0;
            for (int i = 0; i < 20_000; i++) {
                flooded.input(typed, 0, typed.length);
                flooded.resize(100 + i % 50, 30);
                flooded.event(AuditEvent.builder("test.flood").actor("alice").sessionId("flood-1").detail("i", i)
                        .build());
                largest = Math.max(largest, flooded.backlogBytes());
            }
            flooded.resize(123, 45);
            flooded.end(SessionEnd.exited(0));
            largest = Math.max(largest, flooded.backlogBytes());

            assertThat(largest).as("backlog bytes of a flooded session").isLessThanOrEqualTo(
                    QueuedRecording.MAX_BACKLOG_BYTES + 4096 + 64);
            release.countDown();
            assertThat(recorder.awaitStored(Duration.ofSeconds(60))).isTrue();
        }
        StringBuilder cast = new StringBuilder();
        for (Evidence e : stored) {
            if (e instanceof Evidence.Chunk c && c.sessionId().equals("flood-1")) {
                cast.append(new String(c.content(), StandardCharsets.UTF_8));
            }
        }
        assertThat(cast).contains("recorder backlog full").contains("123x45");
        assertThat(stored).anyMatch(e -> e instanceof Evidence.Closed c && c.sessionId().equals("flood-1"));
    }

    @Test
    void outputWhileTheQueueIsFullDoesNotWaitAndTheCallerResumesOnlyOnceTheWorkerTookIt() throws Exception {
        byte[] piece = new byte[64 << 10];
        int pieces = 32; // 2 MiB: a channel's SSH window
        AtomicInteger resumed = new AtomicInteger();
        try (AsyncSessionRecorder recorder = stuckRecorder(RecorderSettings.defaults("node-a").withQueue(4, 256 << 10))) {
            SessionRecording exec = recorder.open(new SessionStart("exec-1", "alice", "root", "web-01", "direct",
                    null, SessionKind.EXEC, null, 0, 0, Instant.now(), "cat /dev/zero"));
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                for (int i = 0; i < pieces; i++) {
                    exec.output(ChannelStream.STDOUT, piece, 0, piece.length);
                    exec.whenCaughtUp(resumed::incrementAndGet);
                }
            }, "an I/O thread would be parked here");
            assertThat(resumed).as("windows opened while the recorder is behind").hasValueLessThan(pieces);

            release.countDown();
            assertThat(recorder.awaitStored(Duration.ofSeconds(60))).isTrue();
            assertThat(resumed).as("every window opened once it caught up").hasValue(pieces);
            exec.end(SessionEnd.exited(0));
            assertThat(recorder.awaitStored(Duration.ofSeconds(60))).isTrue();
        }
        assertThat(stored).anyMatch(e -> e instanceof Evidence.Closed c && c.sessionId().equals("exec-1")
                && c.outputBytes() == (long) pieces * piece.length);
    }
}
