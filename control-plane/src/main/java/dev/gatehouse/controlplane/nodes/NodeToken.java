package dev.gatehouse.controlplane.nodes;

import java.time.Instant;
import java.util.UUID;

/** A one-time token a bastion node enrols with; the secret itself is never stored, only its SHA-256. */
public record NodeToken(UUID id, String role, Instant expiresAt, Instant usedAt, String usedBy, Instant revokedAt,
        String createdBy, Instant createdAt) {

    /** The only role a node token grants today. */
    public static final String BASTION = "bastion";
}
