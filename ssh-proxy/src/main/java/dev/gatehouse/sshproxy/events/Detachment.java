package dev.gatehouse.sshproxy.events;

import java.time.Duration;
import java.util.Objects;

/**
 * A change in whether a shell or command has an engineer's connection: lost (the target side is kept for
 * {@code duration}), re-attached (after {@code duration} away), or expired (nobody came back within {@code duration}).
 *
 * @param kind what happened
 * @param source the engineer's address: the lost connection's, or the one that re-attached
 * @param duration the grace (detached, expired) or the time away (re-attached)
 */
public record Detachment(Kind kind, String source, Duration duration) {

    /** What happened to the client side. */
    public enum Kind { DETACHED, REATTACHED, EXPIRED }

    public Detachment {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(duration, "duration");
    }
}
