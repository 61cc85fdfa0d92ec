package dev.gatehouse.sshproxy.server;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Slows down guessing without letting anyone lock others out: failures count per source address and per (address,
 * user name), never per user name alone, so failing as {@code alice} from one address leaves {@code alice} from
 * another untouched. A counter lives for one window from its first failure; at most {@code trackedKeys} counters are
 * kept (least recently failed dropped first), so random user names cannot grow it.
 */
public final class AuthFailureLimiter {

    // Longer user names are cut: the key's memory stays bounded whatever the client sends.
    private static final int MAX_USER_CHARS = 64;

    private record Window(long started, int failures) {}

    private final BastionConfig.AuthLimits limits;
    private final Clock clock;
    private final Map<String, Window> windows;

    public AuthFailureLimiter(BastionConfig.AuthLimits limits, Clock clock) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.windows = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > limits.trackedKeys();
            }
        };
    }

    /** Whether {@code address} has failed too often, or {@code username} from {@code address} has. */
    public synchronized boolean isBlocked(String address, String username) {
        long now = clock.millis();
        return failures(addressKey(address), now) >= limits.failuresPerAddress()
                || failures(userKey(address, username), now) >= limits.failuresPerAddressAndUser();
    }

    public synchronized void recordFailure(String address, String username) {
        long now = clock.millis();
        count(addressKey(address), now);
        count(userKey(address, username), now);
    }

    /** Counters currently kept (never more than the configured bound). */
    public synchronized int tracked() {
        return windows.size();
    }

    private int failures(String key, long now) {
        Window window = windows.get(key);
        if (window == null) {
            return 0;
        }
        if (expired(window, now)) {
            windows.remove(key);
            return 0;
        }
        return window.failures();
    }

    private void count(String key, long now) {
        Window window = windows.get(key);
        windows.put(key, window == null || expired(window, now) ? new Window(now, 1)
                : new Window(window.started(), window.failures() + 1));
    }

    private boolean expired(Window window, long now) {
        return now - window.started() >= limits.failureWindow().toMillis();
    }

    private static String addressKey(String address) {
        return address;
    }

    private static String userKey(String address, String username) {
        String user = username.length() > MAX_USER_CHARS ? username.substring(0, MAX_USER_CHARS) : username;
        return address + '\u0000' + user;
    }
}
