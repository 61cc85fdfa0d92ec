package dev.gatehouse.sshproxy.access;

import java.util.Objects;

/** The person a presented public key belongs to, as the control plane knows them. */
public record GatewayUser(String username) {
    public GatewayUser {
        Objects.requireNonNull(username, "username");
        if (username.isBlank()) {
            throw new IllegalArgumentException("username must not be blank");
        }
    }
}
