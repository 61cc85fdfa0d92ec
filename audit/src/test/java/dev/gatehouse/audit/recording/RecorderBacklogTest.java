package dev.gatehouse.audit.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.spool.EvidenceSpool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While the recorder is behind, a session's control frames (keystrokes kept only for finding commands, resizes,
 * events) wait in a bounded backlog; nothing is dropped silently. Kept data frames wait for room instead (see
 * {@code OutputFloodIT}), so they are not part of this flood.
 */
class RecorderBacklogTest {

    @TempDir
    Path dir;

    @Test
    void aFloodOfInputEventsAndResizesWhileTheWorkerIsStuckStaysWithinTheBacklogBoundAndLeavesAMarker()
            throws Exception {
        CountDownLatch signing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // The worker signs a checkpoint when a session ends: here it waits until the test lets it go on.
        AuditKey key = InterceptedAuditKey.create(() -> {
            signing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<Evidence> stored = new CopyOnWriteArrayList<>();
        EvidenceSpool spool = new EvidenceSpool(dir, stored::addAll, 1 << 20);
        try (AsyncSessionRecorder recorder = new AsyncSessionRecorder(RecorderSettings.defaults("node-a")
                .withQueue(4, 1 << 20), key,
                spool)) {
            recorder.open(SessionStart.shell("stuck-1", "alice", "root", "web-01", 80, 24)).end(SessionEnd.exited(0));
            assertThat(signing.await(30, TimeUnit.SECONDS)).as("the worker is stuck signing").isTrue();

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
        } finally {
            release.countDown();
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
}
