package dev.gatehouse.controlplane.agents;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A tunnel agent enrolled in {@code network}, known by the serial of the X.509 certificate it was issued last.
 * {@code connected} is true when at least one gateway node holds a live link to it; {@code links} says which.
 */
public record Agent(UUID id, String network, String name, String certSerial, Instant lastSeenAt, String version,
        Instant createdAt, boolean connected, List<AgentLinkStatus> links) {

    public Agent {
        links = List.copyOf(links);
    }
}
