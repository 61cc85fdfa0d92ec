package dev.gatehouse.audit.recording;

import java.time.Instant;
import java.util.Objects;

/** How a session ended: exit status or signal when the remote side reported one, and why it closed. */
public record SessionEnd(Integer exitStatus, String exitSignal, String reason, Instant endedAt) implements java.io.Serializable {

    public SessionEnd {
        Objects.requireNonNull(endedAt, "endedAt");
    }

    public static SessionEnd exited(int status) {
        return new SessionEnd(status, null, "exit", Instant.now());
    }
}
