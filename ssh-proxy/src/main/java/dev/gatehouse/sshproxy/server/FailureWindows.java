package dev.gatehouse.sshproxy.server;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Failure counters by key, each living for one window from its first failure, at most {@code maxKeys} kept (the
 * least recently failed dropped first): what a failure limiter counts, with memory bounded whatever keys clients send.
 */
public final class FailureWindows {

    private record Window(long started, int failures) {}

    private final Duration window;
    private final Clock clock;
    private final Map<String, Window> windows;

    public FailureWindows(Duration window, int maxKeys, Clock clock) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive");
        }
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1");
        }
        this.window = window;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.windows = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Failures counted for {@code key} in its current window. */
    public synchronized int failures(String key) {
        Window current = windows.get(key);
        if (current == null) {
            return 0;
        }
        if (expired(current, clock.millis())) {
            windows.remove(key);
            return 0;
        }
        return current.failures();
    }

    public synchronized void count(String key) {
        long now = clock.millis();
        Window current = windows.get(key);
        windows.put(key, current == null || expired(current, now) ? new Window(now, 1)
                : new Window(current.started(), current.failures() + 1));
    }

    /** Keys currently kept (never more than the bound). */
    public synchronized int tracked() {
        return windows.size();
    }

    private boolean expired(Window current, long now) {
        return now - current.started() >= window.toMillis();
    }
}
