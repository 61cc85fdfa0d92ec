package dev.gatehouse.controlplane.policy;

import dev.gatehouse.controlplane.hosts.Host;
import dev.gatehouse.controlplane.roles.Role;
import dev.gatehouse.controlplane.users.User;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link PolicyFacts} held in maps: the test double beside {@code StoredPolicyFacts}. */
final class InMemoryPolicyFacts implements PolicyFacts {

    private final Map<String, User> users = new LinkedHashMap<>();
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final Map<String, Role> roles = new LinkedHashMap<>();
    private final Map<String, List<String>> granted = new LinkedHashMap<>();

    InMemoryPolicyFacts user(String name, boolean disabled, String... roleNames) {
        users.put(name, new User(name, List.of(roleNames), disabled, null, false));
        return this;
    }

    InMemoryPolicyFacts host(String name, String network, Map<String, String> labels) {
        hosts.put(name, new Host(name, name + ":22", labels, network, null, null));
        return this;
    }

    /** {@code roleNames} granted to {@code name} for now, as approved access requests would. */
    InMemoryPolicyFacts granted(String name, String... roleNames) {
        granted.put(name, List.of(roleNames));
        return this;
    }

    @Override
    public List<String> grantedRoles(String username) {
        return granted.getOrDefault(username, List.of());
    }

    InMemoryPolicyFacts role(Role role) {
        roles.put(role.name(), role);
        return this;
    }

    @Override
    public Optional<User> user(String username) {
        return Optional.ofNullable(users.get(username));
    }

    @Override
    public Optional<Host> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }

    @Override
    public List<Role> roles(Collection<String> names) {
        return names.stream().map(roles::get).filter(java.util.Objects::nonNull).toList();
    }

    @Override
    public List<Host> hosts(String network) {
        return hosts.values().stream().filter(h -> network == null || h.network().equals(network)).toList();
    }
}
