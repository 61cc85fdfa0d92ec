package dev.gatehouse.controlplane.policy;

import dev.gatehouse.controlplane.hosts.Host;
import dev.gatehouse.controlplane.hosts.HostStore;
import dev.gatehouse.controlplane.roles.Role;
import dev.gatehouse.controlplane.roles.RoleStore;
import dev.gatehouse.controlplane.users.User;
import dev.gatehouse.controlplane.users.UserStore;
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

    StoredPolicyFacts(UserStore users, HostStore hosts, RoleStore roles) {
        this.users = Objects.requireNonNull(users, "users");
        this.hosts = Objects.requireNonNull(hosts, "hosts");
        this.roles = Objects.requireNonNull(roles, "roles");
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
