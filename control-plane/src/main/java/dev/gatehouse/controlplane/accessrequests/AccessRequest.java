package dev.gatehouse.controlplane.accessrequests;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A person's request for a role for a while. Pending until an admin or one of the role's approvers decides; an
 * approved request grants the role until {@link #expiresAt()}. The decision fields and the expiry are null while
 * pending.
 */
public record AccessRequest(
        UUID id,
        String username,
        String role,
        String reason,
        int minutes,
        Status status,
        String decidedBy,
        Instant decidedAt,
        Instant expiresAt,
        Instant createdAt) {

    /** Where a request stands; only pending and approved ones can move on. */
    public enum Status {
        PENDING, APPROVED, DENIED, EXPIRED, CANCELLED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public AccessRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Whether this request grants its role at {@code now}. */
    public boolean grants(Instant now) {
        return status == Status.APPROVED && expiresAt != null && now.isBefore(expiresAt);
    }
}
