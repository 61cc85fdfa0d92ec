package dev.gatehouse.controlplane.users;

import dev.gatehouse.controlplane.security.ApiScope;
import java.util.List;
import java.util.Objects;

/**
 * A person: the policy roles granted to them, whether they are disabled, and the API/console scope they hold (null:
 * none; engineers reach hosts through the bastion without any).
 */
public record User(String username, List<String> roles, boolean disabled, ApiScope apiScope, boolean hasPassword) {

    public User {
        Objects.requireNonNull(username, "username");
        roles = List.copyOf(roles);
    }
}
