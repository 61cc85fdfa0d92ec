package dev.gatehouse.controlplane.roles;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a role grants: {@code logins} on the hosts its {@code hostLabels} selector picks, TCP forwards to
 * {@code forwardDestinations} ({@code host:port} patterns) within those hosts' networks, sessions up to
 * {@code maxSessionSeconds}, and whether remote ({@code -R}) and agent ({@code -A}) forwarding are allowed.
 */
public record Role(String name, List<String> logins, Map<String, String> hostLabels, List<String> forwardDestinations,
        int maxSessionSeconds, boolean allowRemoteForwarding, boolean allowAgentForwarding) {

    public Role {
        Objects.requireNonNull(name, "name");
        logins = List.copyOf(logins);
        hostLabels = Map.copyOf(hostLabels);
        forwardDestinations = List.copyOf(forwardDestinations);
    }
}
