package dev.gatehouse.controlplane.tokens;

import dev.gatehouse.controlplane.security.ApiScope;
import java.time.Instant;
import java.util.UUID;

/** A stored API token, without its secret (only the hash is kept). */
public record ApiToken(UUID id, String name, ApiScope scope, Instant expiresAt, Instant revokedAt, String createdBy,
        Instant createdAt) {

    /** Why this token cannot be used at {@code now}, or null when it can. */
    String unusableReason(Instant now) {
        if (revokedAt != null) {
            return "the API token '" + name + "' was revoked";
        }
        if (expiresAt != null && !now.isBefore(expiresAt)) {
            return "the API token '" + name + "' expired at " + expiresAt;
        }
        return null;
    }
}
