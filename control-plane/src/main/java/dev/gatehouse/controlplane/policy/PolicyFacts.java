package dev.gatehouse.controlplane.policy;

import dev.gatehouse.controlplane.hosts.Host;
import dev.gatehouse.controlplane.roles.Role;
import dev.gatehouse.controlplane.users.User;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** What the policy engine decides from: people, hosts, roles. Stored in PostgreSQL; in memory in tests. */
public interface PolicyFacts {

    Optional<User> user(String username);

    Optional<Host> host(String name);

    /** The roles {@code username} holds for now through approved access requests; none by default. */
    default List<String> grantedRoles(String username) {
        return List.of();
    }

    /** The roles among {@code names} that exist. */
    List<Role> roles(Collection<String> names);

    /** Every host, or only those of {@code network} when not null. */
    List<Host> hosts(String network);
}
