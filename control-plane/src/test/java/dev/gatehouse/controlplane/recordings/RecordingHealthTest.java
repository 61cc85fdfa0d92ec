package dev.gatehouse.controlplane.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.recording.AsyncSessionRecorder;
import dev.gatehouse.audit.recording.RecorderSettings;
import dev.gatehouse.audit.spool.EvidenceSpool;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class RecordingHealthTest {

    @TempDir
    Path dir;

    @Test
    void healthAndMetricsSayWhyNewSessionsAreRefusedWhileTheSpoolCannotWriteAndTheStoreIsAway() throws Exception {
        // Every write to /dev/full fails with ENOSPC, as on a full disk; the store is down, so evidence needs the disk.
        Files.createSymbolicLink(dir.resolve("journal.log"), Path.of("/dev/full"));
        EvidenceSpool spool = new EvidenceSpool(dir, batch -> {
            throw new IllegalStateException("connection refused");
        }, 1 << 20);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (AsyncSessionRecorder recorder = new AsyncSessionRecorder(RecorderSettings.defaults("node-a"),
                AuditKey.generate(), spool)) {
            RecordingHealth health = new RecordingHealth(recorder, spool);
            health.bind(registry);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (recorder.accepting() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }

            Health now = health.health();

            assertThat(now.getStatus()).isEqualTo(Status.DOWN);
            assertThat(now.getDetails().get("reason").toString()).contains("audit spool").contains("cannot be written");
            assertThat(now.getDetails()).containsEntry("storeReachable", false);
            assertThat(registry.get("gatehouse.recording.accepting").gauge().value()).isZero();
            assertThat(registry.get("gatehouse.recording.spool.failing").gauge().value()).isEqualTo(1);
        }
    }

    @Test
    void whileTheStoreIsAwayTheSpooledBytesAndTheUploadLagShowTheEvidenceWaiting() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        EvidenceSpool spool = new EvidenceSpool(dir, batch -> {
            if (down.get()) {
                throw new IllegalStateException("connection refused");
            }
        }, 1 << 20);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (AsyncSessionRecorder recorder = new AsyncSessionRecorder(RecorderSettings.defaults("node-b"),
                AuditKey.generate(), spool)) {
            new RecordingHealth(recorder, spool).bind(registry);
            spool.submit(java.util.List.of(new dev.gatehouse.audit.recording.Evidence.Command("s-1", 1, 0L, "id",
                    "typed", false)));
            long deadline = System.nanoTime() + 30_000_000_000L;
            while ((registry.get("gatehouse.recording.upload.lag").timeGauge().value(TimeUnit.MILLISECONDS) < 50
                    || registry.get("gatehouse.recording.spool.disk").gauge().value() == 0)
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(registry.get("gatehouse.recording.upload.lag").timeGauge().value(TimeUnit.MILLISECONDS))
                    .isGreaterThanOrEqualTo(50);
            assertThat(registry.get("gatehouse.recording.spool.disk").gauge().value()).as("spilled to disk").isPositive();
            down.set(false);
            assertThat(spool.awaitDrained(java.time.Duration.ofSeconds(60))).isTrue();
            assertThat(registry.get("gatehouse.recording.spool.disk").gauge().value()).isZero();
        } finally {
            spool.close();
        }
    }
}
