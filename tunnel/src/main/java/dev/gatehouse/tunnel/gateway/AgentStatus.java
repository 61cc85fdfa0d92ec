package dev.gatehouse.tunnel.gateway;

import dev.gatehouse.tunnel.protocol.AgentIdentity;
import java.time.Instant;

/**
 * What one gateway node knows about one agent's link to it; reported on connect, on loss, and at a heartbeat when it
 * changed (or once a minute). The bytes are those of the agent's streams through this node since it started, ended
 * streams included.
 */
public record AgentStatus(AgentIdentity agent, String nodeId, boolean connected, String version, String remoteAddress,
        int openStreams, long bytesIn, long bytesOut, Instant lastSeen) {

    /** The same status seen at another time (to compare two reports by what changed). */
    public AgentStatus withLastSeen(Instant time) {
        return new AgentStatus(agent, nodeId, connected, version, remoteAddress, openStreams, bytesIn, bytesOut, time);
    }
}
