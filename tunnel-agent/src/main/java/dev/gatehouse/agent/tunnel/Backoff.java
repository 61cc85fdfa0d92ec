package dev.gatehouse.agent.tunnel;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Jittered exponential backoff: the n-th retry waits a random time in [d/2, d] with d = min(cap, initial * 2^n).
 * The jitter spreads a thousand agents over the window when a gateway node restarts (no thundering herd).
 */
public final class Backoff {

    private final Duration initial;
    private final Duration cap;
    private int attempts;

    public Backoff(Duration initial, Duration cap) {
        if (initial.isNegative() || initial.isZero() || cap.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff: need 0 < initial <= cap, got " + initial + " and " + cap);
        }
        this.initial = initial;
        this.cap = cap;
    }

    /** The wait before the next attempt. */
    public synchronized Duration next() {
        long ceiling = initial.toMillis() << Math.min(attempts, 20);
        attempts++;
        long bound = Math.min(cap.toMillis(), ceiling);
        return Duration.ofMillis(bound / 2 + ThreadLocalRandom.current().nextLong(bound / 2 + 1));
    }

    /** A connection succeeded: start again from the initial delay. */
    public synchronized void reset() {
        attempts = 0;
    }
}
