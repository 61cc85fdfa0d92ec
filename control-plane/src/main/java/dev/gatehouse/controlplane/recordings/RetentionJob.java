package dev.gatehouse.controlplane.recordings;

import dev.gatehouse.audit.retention.RecordingRetention;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gatehouse.recordings.retention}: deletes recordings older than the setting once an hour (each leaves a signed
 * tombstone; events stay). Without the setting it does nothing: recordings are kept.
 */
final class RetentionJob implements AutoCloseable {

    static final Duration PERIOD = Duration.ofHours(1);
    /** The actor of the tombstones it writes. */
    static final String ACTOR = "gatehouse.recordings.retention";

    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);

    private final Duration retention;
    private final RecordingRetention policy;
    private ScheduledExecutorService timer;

    RetentionJob(Duration retention, RecordingRetention policy) {
        this.retention = retention;
        this.policy = policy;
    }

    /** Runs now and every {@code period}, on its own thread, until closed; nothing when no retention is set. */
    synchronized RetentionJob start(Duration period) {
        if (retention == null || timer != null) {
            return this;
        }
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("recording-retention")
                .daemon(true).factory());
        timer.scheduleWithFixedDelay(this::runQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Applies the policy once; how many sessions' recordings were deleted (0 without a policy). */
    int runOnce() {
        return retention == null ? 0 : policy.apply(retention, ACTOR);
    }

    private void runQuietly() {
        try {
            int deleted = runOnce();
            if (deleted > 0) {
                LOG.info("Retention {}: deleted the recordings of {} sessions", retention, deleted);
            }
        } catch (RuntimeException e) {
            LOG.warn("Retention {} could not run, will retry: {}", retention, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
