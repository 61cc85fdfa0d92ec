package dev.gatehouse.controlplane.jointokens;

import java.time.Instant;
import java.util.UUID;

/** A one-time token an agent joins {@code network} with; stored only as a hash. */
public record JoinToken(UUID id, String network, Instant expiresAt, Instant usedAt, Instant revokedAt, String createdBy,
        Instant createdAt) {}
