package dev.gatehouse.controlplane.accessrequests;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs {@link AccessRequests#sweep()} every interval. Safe on every control plane at once: each expiry is claimed
 * atomically, so a second sweeper finds nothing to close.
 */
final class AccessRequestSweep implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AccessRequestSweep.class);

    private final AccessRequests requests;
    private final Duration interval;
    private ScheduledExecutorService timer;

    AccessRequestSweep(AccessRequests requests, Duration interval) {
        this.requests = Objects.requireNonNull(requests, "requests");
        this.interval = Objects.requireNonNull(interval, "interval");
    }

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("access-request-sweep").daemon(true).factory());
        timer.scheduleWithFixedDelay(this::sweepOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sweepOnce() {
        try {
            int closed = requests.sweep();
            if (closed > 0) {
                log.info("Access requests: {} grant(s) expired", closed);
            }
        } catch (RuntimeException e) {
            // The next run tries again; a grant already stops counting at its expiry without this.
            log.warn("Access request sweep failed: {}", e.toString());
        }
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }
}
