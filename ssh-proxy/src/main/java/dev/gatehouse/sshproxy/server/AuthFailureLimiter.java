package dev.gatehouse.sshproxy.server;

import java.time.Clock;
import java.util.Objects;

/**
 * Slows down guessing without letting anyone lock others out: failures count per source address and per (address,
 * user name), never per user name alone, so failing as {@code alice} from one address leaves {@code alice} from
 * another untouched. Counters expire after the failure window and are bounded in number ({@link FailureWindows}), so
 * random user names cannot grow it.
 */
public final class AuthFailureLimiter {

    // Longer user names are cut: the key's memory stays bounded whatever the client sends.
    private static final int MAX_USER_CHARS = 64;

    private final BastionConfig.AuthLimits limits;
    private final FailureWindows windows;

    public AuthFailureLimiter(BastionConfig.AuthLimits limits, Clock clock) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.windows = new FailureWindows(limits.failureWindow(), limits.trackedKeys(), clock);
    }

    /** Whether {@code address} has failed too often, or {@code username} from {@code address} has. */
    public boolean isBlocked(String address, String username) {
        return windows.failures(address) >= limits.failuresPerAddress()
                || windows.failures(userKey(address, username)) >= limits.failuresPerAddressAndUser();
    }

    public void recordFailure(String address, String username) {
        windows.count(address);
        windows.count(userKey(address, username));
    }

    /** Counters currently kept (never more than the configured bound). */
    public int tracked() {
        return windows.tracked();
    }

    private static String userKey(String address, String username) {
        String user = username.length() > MAX_USER_CHARS ? username.substring(0, MAX_USER_CHARS) : username;
        return address + '\u0000' + user;
    }
}
