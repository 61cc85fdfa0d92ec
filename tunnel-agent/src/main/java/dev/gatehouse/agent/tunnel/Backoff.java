package dev.gatehouse.agent.tunnel;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Jittered exponential backoff: the n-th retry waits a random time in [d/2, d] with d = min(cap, initial * 2^n).
 * The jitter spreads a thousand agents over the window when a gateway node restarts (no thundering herd).
 *
 * <p>The first retry after losing a link that was healthy for at least {@link #STEADY} waits only a random time in
 * [0, {@link #QUICK}]: a cut link is back (and its streams resumed) sooner. If the node is really gone that retry
 * fails and the ones after it grow as above from the initial delay; a link that flaps, or a refusal, never gets it.
 */
public final class Backoff {

    /** Bound of the first retry after a steady link broke. */
    static final Duration QUICK = Duration.ofMillis(100);
    /** How long a link must have been healthy for its loss to earn the quick retry. */
    static final Duration STEADY = Duration.ofSeconds(1);

    private final Duration initial;
    private final Duration cap;
    private final LongSupplier nanoClock;
    private int attempts;
    private boolean healthy;
    private long healthySince;

    public Backoff(Duration initial, Duration cap) {
        this(initial, cap, System::nanoTime);
    }

    Backoff(Duration initial, Duration cap, LongSupplier nanoClock) {
        if (initial.isNegative() || initial.isZero() || cap.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff: need 0 < initial <= cap, got " + initial + " and " + cap);
        }
        this.initial = initial;
        this.cap = cap;
        this.nanoClock = nanoClock;
    }

    /** The wait before the next attempt. */
    public synchronized Duration next() {
        boolean steadyLinkLost = healthy && nanoClock.getAsLong() - healthySince >= STEADY.toNanos();
        healthy = false;
        if (steadyLinkLost) {
            long bound = Math.min(QUICK.toMillis(), initial.toMillis());
            return Duration.ofMillis(ThreadLocalRandom.current().nextLong(bound + 1));
        }
        long ceiling = initial.toMillis() << Math.min(attempts, 20);
        attempts++;
        long bound = Math.min(cap.toMillis(), ceiling);
        return Duration.ofMillis(bound / 2 + ThreadLocalRandom.current().nextLong(bound / 2 + 1));
    }

    /**
     * The link is healthy (the gateway admitted the agent): failures start over from the initial delay. Called
     * again while the same link lives (every node list), it keeps the time the link first became healthy.
     */
    public synchronized void reset() {
        attempts = 0;
        if (!healthy) {
            healthy = true;
            healthySince = nanoClock.getAsLong();
        }
    }
}
