package dev.gatehouse.controlplane.agents;

import java.time.Instant;
import java.util.UUID;

/** A tunnel agent enrolled in {@code network}, known by the serial of the X.509 certificate it was issued. */
public record Agent(UUID id, String network, String name, String certSerial, Instant lastSeenAt, String version,
        Instant createdAt) {}
