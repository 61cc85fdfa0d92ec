package dev.gatehouse.tunnel.gateway;

import dev.gatehouse.tunnel.protocol.AgentIdentity;
import java.time.Instant;

/** What one gateway node knows about one agent's link to it; reported on connect, periodically and on loss. */
public record AgentStatus(AgentIdentity agent, String nodeId, boolean connected, String version, String remoteAddress,
        int openStreams, long bytesIn, long bytesOut, Instant lastSeen) {
}
