package dev.gatehouse.sshproxy.access;

import java.time.Duration;
import java.util.Objects;

/**
 * Where a granted port forward is dialled: an address inside a network; {@code maxSessionLength} bounds a connection
 * that only forwards, as a target's does a login.
 */
public record ForwardRoute(String network, HostAndPort address, Duration maxSessionLength) {

    /** The longest a forward-only connection lasts when the granting role names no maximum. */
    public static final Duration DEFAULT_MAX_SESSION = Duration.ofHours(12);

    public ForwardRoute {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(maxSessionLength, "maxSessionLength");
        if (maxSessionLength.isNegative() || maxSessionLength.isZero()) {
            throw new IllegalArgumentException("maxSessionLength must be positive");
        }
    }

    public ForwardRoute(String network, HostAndPort address) {
        this(network, address, DEFAULT_MAX_SESSION);
    }
}
