package dev.gatehouse.sshproxy.access;

import java.time.Instant;
import java.util.Objects;

/** A detached session of a person that another gateway node keeps for re-attach: which node, since when. */
public record HeldElsewhere(String node, Instant detachedAt) {
    public HeldElsewhere {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(detachedAt, "detachedAt");
    }
}
