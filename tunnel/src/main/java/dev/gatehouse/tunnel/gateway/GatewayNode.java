package dev.gatehouse.tunnel.gateway;

/** A gateway node as agents see it: an id and the host:port of its tunnel listener. */
public record GatewayNode(String id, String tunnelAddress) {
}
