package dev.gatehouse.controlplane.roles;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a role grants: {@code logins} on the hosts its {@code hostLabels} selector picks, TCP forwards to
 * {@code forwardDestinations} ({@code host:port} patterns) within those hosts' networks, sessions up to
 * {@code maxSessionSeconds}, whether remote ({@code -R}) and agent ({@code -A}) forwarding are allowed, whether
 * forwards inside a session on its hosts ({@code -L}, {@code -D} to the target's own addresses) are ({@code portForwarding}),
 * how long a shell whose engineer lost the connection waits for them to re-attach ({@code detachedSeconds}, 0: not),
 * and whether its holders' SSH logins are approved in the browser instead of by a key ({@code requireSso}) or after
 * it ({@code requireApproval}). People may ask for the role for a while (access requests): {@code approvers} may decide
 * besides admins, and a grant lasts at most {@code maxRequestMinutes} (null: the gateway's cap).
 */
public record Role(String name, List<String> logins, Map<String, String> hostLabels, List<String> forwardDestinations,
        int maxSessionSeconds, boolean allowRemoteForwarding, boolean allowAgentForwarding, boolean portForwarding,
        int detachedSeconds, List<String> approvers, Integer maxRequestMinutes, boolean requireSso,
        boolean requireApproval) {

    /** A role that says nothing about detached sessions keeps them this long (10 minutes). */
    public static final int DEFAULT_DETACHED_SECONDS = 600;

    public Role {
        Objects.requireNonNull(name, "name");
        logins = List.copyOf(logins);
        hostLabels = Map.copyOf(hostLabels);
        forwardDestinations = List.copyOf(forwardDestinations);
        approvers = List.copyOf(approvers);
    }

    /** A role only admins decide requests for, within the gateway's cap, whose logins need no approval in the browser. */
    public Role(String name, List<String> logins, Map<String, String> hostLabels, List<String> forwardDestinations,
            int maxSessionSeconds, boolean allowRemoteForwarding, boolean allowAgentForwarding, boolean portForwarding,
            int detachedSeconds) {
        this(name, logins, hostLabels, forwardDestinations, maxSessionSeconds, allowRemoteForwarding,
                allowAgentForwarding, portForwarding, detachedSeconds, List.of(), null, false, false);
    }

    /** A role with the default grace for detached sessions. */
    public Role(String name, List<String> logins, Map<String, String> hostLabels, List<String> forwardDestinations,
            int maxSessionSeconds, boolean allowRemoteForwarding, boolean allowAgentForwarding, boolean portForwarding) {
        this(name, logins, hostLabels, forwardDestinations, maxSessionSeconds, allowRemoteForwarding,
                allowAgentForwarding, portForwarding, DEFAULT_DETACHED_SECONDS);
    }

    /** A role that allows no forwarding inside target sessions. */
    public Role(String name, List<String> logins, Map<String, String> hostLabels, List<String> forwardDestinations,
            int maxSessionSeconds, boolean allowRemoteForwarding, boolean allowAgentForwarding) {
        this(name, logins, hostLabels, forwardDestinations, maxSessionSeconds, allowRemoteForwarding,
                allowAgentForwarding, false);
    }
}
