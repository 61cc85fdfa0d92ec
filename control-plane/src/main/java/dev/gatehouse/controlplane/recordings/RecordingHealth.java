package dev.gatehouse.controlplane.recordings;

import dev.gatehouse.audit.recording.AsyncSessionRecorder;
import dev.gatehouse.audit.spool.EvidenceSpool;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Whether this node can record new sessions ({@code recording} in {@code /actuator/health}): DOWN with the reason the
 * bastion gives refused users while it cannot (the recorder failed, the spool's disk is full or unwritable). A store
 * that is away is not DOWN: evidence waits on disk, which the details show.
 */
public final class RecordingHealth implements HealthIndicator {

    private final AsyncSessionRecorder recorder;
    private final EvidenceSpool spool;

    public RecordingHealth(AsyncSessionRecorder recorder, EvidenceSpool spool) {
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.spool = Objects.requireNonNull(spool, "spool");
    }

    @Override
    public Health health() {
        String unavailable = recorder.unavailable();
        Health.Builder health = unavailable == null ? Health.up() : Health.down().withDetail("reason", unavailable);
        health.withDetail("queuedFrames", recorder.queued())
                .withDetail("spoolBacklog", spool.backlog())
                .withDetail("storeReachable", !spool.failing());
        if (spool.failing() && spool.lastError() != null) {
            health.withDetail("storeError", spool.lastError());
        }
        return health.build();
    }

    /**
     * {@code gatehouse_recording_accepting} (1 or 0), the recorder's queue and the spool's backlog, and the upload lag,
     * on the registry passed in.
     */
    public void bind(MeterRegistry registry) {
        Gauge.builder("gatehouse.recording.accepting", recorder, r -> r.accepting() ? 1 : 0)
                .description("1 while new sessions can be recorded; 0 while they are refused").register(registry);
        Gauge.builder("gatehouse.recording.queued.frames", recorder, AsyncSessionRecorder::queued)
                .description("Frames waiting for the recorder's worker").register(registry);
        Gauge.builder("gatehouse.recording.spool.backlog", spool, EvidenceSpool::backlog)
                .description("Evidence items waiting in memory for the store").register(registry);
        Gauge.builder("gatehouse.recording.spool.failing", spool, s -> s.failing() ? 1 : 0)
                .description("1 while the audit store refuses deliveries (evidence waits on disk)").register(registry);
        Gauge.builder("gatehouse.recording.spool.lost", spool, EvidenceSpool::lost)
                .description("Evidence items lost: store, disk and memory budget all unavailable").register(registry);
        Gauge.builder("gatehouse.recording.spool.disk", spool, EvidenceSpool::spooledBytes).baseUnit("bytes")
                .description("Evidence bytes waiting on the spool's disk for the store").register(registry);
        TimeGauge.builder("gatehouse.recording.upload.lag", spool, TimeUnit.SECONDS,
                        s -> s.uploadLag().toNanos() / 1e9)
                .description("How long evidence has waited for the audit store (0 when nothing waits)")
                .register(registry);
    }
}
