package dev.gatehouse.audit.recording;

import java.time.Duration;
import java.util.Objects;

/**
 * One forwarded TCP flow ({@code direct-tcpip} or {@code forwarded-tcpip}), reported when it closes or is denied.
 *
 * @param network the network the destination was dialled in; null means the session's own
 */
public record ForwardFlow(String kind, String destination, String network, String originator, long bytesToTarget,
        long bytesFromTarget, Duration duration, String outcome) {

    public static final String DIRECT = "direct-tcpip";
    public static final String FORWARDED = "forwarded-tcpip";

    public ForwardFlow {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(outcome, "outcome");
        duration = duration == null ? Duration.ZERO : duration;
    }
}
