package dev.gatehouse.sshproxy.server;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down key guessing: after {@code maxFailures} failed authentications within {@code window} from one source
 * address, or against one user name, further attempts from it are refused until the window has passed.
 */
public final class AuthFailureLimiter {

    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    public AuthFailureLimiter(int maxFailures, Duration window, Clock clock) {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1");
        }
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
    }

    public boolean isBlocked(String sourceAddress, String username) {
        return count("addr:" + sourceAddress) >= maxFailures || count("user:" + username) >= maxFailures;
    }

    public void recordFailure(String sourceAddress, String username) {
        record("addr:" + sourceAddress);
        record("user:" + username);
    }

    private void record(String key) {
        long now = clock.millis();
        failures.compute(key, (k, times) -> {
            Deque<Long> list = times == null ? new ArrayDeque<>() : times;
            prune(list, now);
            list.addLast(now);
            return list;
        });
    }

    private int count(String key) {
        long now = clock.millis();
        Deque<Long> times = failures.computeIfPresent(key, (k, list) -> {
            prune(list, now);
            return list.isEmpty() ? null : list;
        });
        return times == null ? 0 : times.size();
    }

    private void prune(Deque<Long> times, long now) {
        long oldest = now - window.toMillis();
        while (!times.isEmpty() && times.peekFirst() < oldest) {
            times.removeFirst();
        }
    }
}
