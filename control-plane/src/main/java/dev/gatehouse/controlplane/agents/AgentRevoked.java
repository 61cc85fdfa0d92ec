package dev.gatehouse.controlplane.agents;

/**
 * Published after an agent's revocation is committed, so that this node's tunnel listener cuts the agent's links at
 * once (other nodes notice within a heartbeat, as the agent is no longer enrolled).
 */
public record AgentRevoked(String network, String name) {}
