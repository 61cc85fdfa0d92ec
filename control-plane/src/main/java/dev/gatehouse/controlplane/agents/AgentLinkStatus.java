package dev.gatehouse.controlplane.agents;

import java.time.Instant;

/** One gateway node's view of its link to an agent, as last reported by that node. */
public record AgentLinkStatus(String node, boolean connected, String remoteAddress, String version, int openStreams,
        long bytesIn, long bytesOut, Instant lastSeenAt) {}
