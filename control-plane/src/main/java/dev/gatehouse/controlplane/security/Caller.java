package dev.gatehouse.controlplane.security;

import java.io.Serializable;
import java.util.Objects;

/**
 * Who is calling the API: a name for the audit trail ({@code token:ci}, {@code alice}), the scope granted (null when
 * the caller is known but granted nothing), and how they proved it ({@code api-token}, {@code oidc}, {@code password}).
 */
public record Caller(String name, ApiScope scope, String via) implements Serializable {

    public Caller {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(via, "via");
    }
}
