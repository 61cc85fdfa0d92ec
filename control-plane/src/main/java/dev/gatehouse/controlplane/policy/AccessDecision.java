package dev.gatehouse.controlplane.policy;

import java.util.List;
import java.util.Objects;

/**
 * The answer to an access question: allowed or not, and why, in words fit for the person and the audit trail.
 * When allowed, {@code grantingRoles} says which roles allowed it and the session limits and forwarding they set;
 * {@code detachedSeconds} is the longest grace for a detached shell among them.
 */
public record AccessDecision(boolean allowed, String reason, List<String> grantingRoles, int maxSessionSeconds,
        boolean allowAgentForwarding, boolean allowRemoteForwarding, boolean portForwarding, int detachedSeconds) {

    public AccessDecision {
        Objects.requireNonNull(reason, "reason");
        grantingRoles = List.copyOf(grantingRoles);
    }

    static AccessDecision deny(String reason) {
        return new AccessDecision(false, reason, List.of(), 0, false, false, false, 0);
    }
}
