package dev.gatehouse.controlplane.policy;

import dev.gatehouse.controlplane.hosts.Host;
import dev.gatehouse.controlplane.roles.Role;
import dev.gatehouse.controlplane.users.User;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.springframework.stereotype.Component;

/**
 * The one place access is decided. Deny by default: only a role of an enabled user that selects the host (by label)
 * and names the login (or the forward destination) allows anything, and every refusal says which condition failed.
 */
@Component
public final class PolicyEngine {

    private final PolicyFacts facts;

    public PolicyEngine(PolicyFacts facts) {
        this.facts = Objects.requireNonNull(facts, "facts");
    }

    /** May {@code username} open {@code login} on host {@code hostName}? */
    public AccessDecision mayLogin(String username, String login, String hostName) {
        Optional<User> user = facts.user(username);
        String refused = refusedUser(username, user);
        if (refused != null) {
            return AccessDecision.deny(refused);
        }
        Optional<Host> host = facts.host(hostName);
        if (host.isEmpty()) {
            return AccessDecision.deny("unknown host '" + hostName + "'");
        }
        List<Role> selecting = rolesOf(user.get()).stream()
                .filter(role -> Labels.selects(role.hostLabels(), host.get().labels()))
                .toList();
        if (selecting.isEmpty()) {
            return AccessDecision.deny("no role of '" + username + "' grants access to host '" + hostName + "'");
        }
        List<Role> granting = selecting.stream().filter(role -> role.logins().contains(login)).toList();
        if (granting.isEmpty()) {
            return AccessDecision.deny("no role of '" + username + "' grants login '" + login + "' on host '" + hostName
                    + "' (granted there: " + logins(selecting) + ")");
        }
        return allow("role " + names(granting) + " grants login '" + login + "' on host '" + hostName + "'", granting);
    }

    /**
     * May {@code username} open a TCP forward to {@code destinationHost}:{@code port} inside {@code network}, the name
     * not resolved here? See {@link #mayForward(String, String, ForwardDestination, int)}.
     */
    public AccessDecision mayForward(String username, String network, String destinationHost, int port) {
        return mayForward(username, network, ForwardDestination.unresolved(destinationHost), port);
    }

    /**
     * May {@code username} open a TCP forward to {@code destination}:{@code port} inside {@code network}? A role grants
     * it with a destination grant tied to that network, or, untied, when it selects at least one host of the network.
     * A reserved address (loopback, link-local, the gateway's own) is granted only by a CIDR grant inside its range.
     */
    public AccessDecision mayForward(String username, String network, ForwardDestination destination, int port) {
        Optional<User> user = facts.user(username);
        String refused = refusedUser(username, user);
        if (refused != null) {
            return AccessDecision.deny(refused);
        }
        List<Host> hostsInNetwork = facts.hosts(network);
        List<Role> roles = rolesOf(user.get());
        List<Role> reaching = roles.stream()
                .filter(role -> hostsInNetwork.stream().anyMatch(h -> Labels.selects(role.hostLabels(), h.labels()))
                        || role.forwardDestinations().stream().anyMatch(p -> network.equals(Destinations.network(p))))
                .toList();
        if (reaching.isEmpty()) {
            return AccessDecision.deny("no role of '" + username + "' grants access to any host in network '" + network + "'");
        }
        List<Role> granting = reaching.stream()
                .filter(role -> role.forwardDestinations().stream()
                        .anyMatch(pattern -> Destinations.grants(pattern, network, destination, port)))
                .toList();
        String where = destination.describe() + ":" + port + " in network '" + network + "'";
        if (granting.isEmpty()) {
            if (destination.reserved() != null) {
                return AccessDecision.deny("forwarding to " + where + " is refused: " + destination.address().getHostAddress()
                        + " is in " + destination.reserved() + ", reserved (" + ReservedRanges.describe(destination.reserved())
                        + "); only a grant naming it by CIDR, such as " + Cidr.of(destination.address()) + ":" + port + ", opens it");
            }
            return AccessDecision.deny("forwarding to " + where + " is not granted to '" + username + "'");
        }
        return allow("role " + names(granting) + " grants forwarding to " + where, granting);
    }

    /**
     * The agent network a bare forward to {@code destinationHost}:{@code port} is meant for: the first one a grant of
     * {@code username}'s roles is tied to and matches by name (not resolved here: the agent resolves it).
     */
    public Optional<String> tiedAgentNetwork(String username, String destinationHost, int port, String directNetwork) {
        Optional<User> user = facts.user(username);
        if (refusedUser(username, user) != null) {
            return Optional.empty();
        }
        ForwardDestination unresolved = ForwardDestination.unresolved(destinationHost);
        return rolesOf(user.get()).stream()
                .flatMap(role -> role.forwardDestinations().stream())
                .map(Destinations::parse)
                .filter(grant -> grant.network() != null && !grant.network().equals(directNetwork))
                .filter(grant -> grant.grants(grant.network(), unresolved, port))
                .map(Destinations.Grant::network)
                .findFirst();
    }

    /** Every host {@code username} may open, with the logins allowed there; empty for unknown or disabled users. */
    public List<ReachableHost> reachableHosts(String username) {
        Optional<User> user = facts.user(username);
        if (refusedUser(username, user) != null) {
            return List.of();
        }
        List<Role> roles = rolesOf(user.get());
        List<ReachableHost> reachable = new ArrayList<>();
        for (Host host : facts.hosts(null)) {
            List<Role> selecting = roles.stream().filter(r -> Labels.selects(r.hostLabels(), host.labels())).toList();
            List<String> logins = logins(selecting);
            if (!logins.isEmpty()) {
                reachable.add(new ReachableHost(host.name(), host.network(), logins));
            }
        }
        return reachable;
    }

    /** The roles a person holds for good and those granted for now by approved access requests. */
    private List<Role> rolesOf(User user) {
        List<String> granted = facts.grantedRoles(user.username());
        if (granted.isEmpty()) {
            return facts.roles(user.roles());
        }
        java.util.Set<String> names = new java.util.LinkedHashSet<>(user.roles());
        names.addAll(granted);
        return facts.roles(names);
    }

    private static String refusedUser(String username, Optional<User> user) {
        if (user.isEmpty()) {
            return "unknown user '" + username + "'";
        }
        if (user.get().disabled()) {
            return "user '" + username + "' is disabled";
        }
        return null;
    }

    private static AccessDecision allow(String reason, List<Role> granting) {
        return new AccessDecision(true, reason, granting.stream().map(Role::name).toList(),
                granting.stream().mapToInt(Role::maxSessionSeconds).max().orElse(0),
                granting.stream().anyMatch(Role::allowAgentForwarding),
                granting.stream().anyMatch(Role::allowRemoteForwarding),
                granting.stream().anyMatch(Role::portForwarding),
                granting.stream().mapToInt(Role::detachedSeconds).max().orElse(0));
    }

    private static List<String> logins(List<Role> roles) {
        return List.copyOf(new TreeSet<>(roles.stream().flatMap(r -> r.logins().stream()).toList()));
    }

    private static String names(List<Role> roles) {
        return String.join(", ", roles.stream().map(r -> "'" + r.name() + "'").toList());
    }
}
