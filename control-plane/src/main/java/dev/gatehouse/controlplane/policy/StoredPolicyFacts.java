package dev.gatehouse.controlplane.policy;

import dev.gatehouse.controlplane.accessrequests.AccessRequestStore;
import dev.gatehouse.controlplane.hosts.Host;
import dev.gatehouse.controlplane.hosts.HostStore;
import dev.gatehouse.controlplane.roles.Role;
import dev.gatehouse.controlplane.roles.RoleStore;
import dev.gatehouse.controlplane.users.User;
import dev.gatehouse.controlplane.users.UserStore;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** {@link PolicyFacts} read from the control plane's tables, fresh for every decision. */
@Component
final class StoredPolicyFacts implements PolicyFacts {

    private final UserStore users;
    private final HostStore hosts;
    private final RoleStore roles;
    private final AccessRequestStore requests;
    private final Clock clock;

    StoredPolicyFacts(UserStore users, HostStore hosts, RoleStore roles, AccessRequestStore requests, Clock clock) {
        this.users = Objects.requireNonNull(users, "users");
        this.hosts = Objects.requireNonNull(hosts, "hosts");
        this.roles = Objects.requireNonNull(roles, "roles");
        this.requests = Objects.requireNonNull(requests, "requests");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public List<String> grantedRoles(String username) {
        return requests.grantedRoles(username, clock.instant());
    }

    @Override
    public Optional<User> user(String username) {
        return users.find(username);
    }

    @Override
    public Optional<Host> host(String name) {
        return hosts.find(name);
    }

    @Override
    public List<Role> roles(Collection<String> names) {
        return roles.findAll(names);
    }

    @Override
    public List<Host> hosts(String network) {
        return hosts.list(network);
    }
}
