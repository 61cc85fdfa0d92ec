package dev.gatehouse.controlplane.roles;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a role grants: {@code logins} on the hosts its {@code hostLabels} selector picks, TCP forwards to
 * {@code forwardDestinations} ({@code host:port} patterns) within those hosts' networks, sessions up to
 * {@code maxSessionSeconds}, whether remote ({@code -R}) and agent ({@code -A}) forwarding are allowed, and whether
 * forwards inside a session on its hosts ({@code -L}, {@code -D} to the target's own addresses) are ({@code portForwarding}).
 */
public record Role(String name, List<String> logins, Map<String, String> hostLabels, List<String> forwardDestinations,
        int maxSessionSeconds, boolean allowRemoteForwarding, boolean allowAgentForwarding, boolean portForwarding) {

    public Role {
        Objects.requireNonNull(name, "name");
        logins = List.copyOf(logins);
        hostLabels = Map.copyOf(hostLabels);
        forwardDestinations = List.copyOf(forwardDestinations);
    }

    /** A role that allows no forwarding inside target sessions. */
    public Role(String name, List<String> logins, Map<String, String> hostLabels, List<String> forwardDestinations,
            int maxSessionSeconds, boolean allowRemoteForwarding, boolean allowAgentForwarding) {
        this(name, logins, hostLabels, forwardDestinations, maxSessionSeconds, allowRemoteForwarding,
                allowAgentForwarding, false);
    }
}
