package dev.gatehouse.tunnel.gateway;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of one gateway node's tunnel listener, checked at construction.
 *
 * @param nodeId            this node's id in the {@link NodeRegistry}
 * @param bindHost          address to listen on
 * @param port              tunnel port (0 picks a free one)
 * @param advertisedHost    host name agents use to reach this node (must match the server certificate), or
 *                          host:port when they reach it through another port (NAT, load balancer, relay)
 * @param key               the server key
 * @param chain             the server certificate chain, leaf first
 * @param agentCas          CAs whose certificates identify agents (mutual TLS)
 * @param pingInterval      HTTP/2 PING after this much quiet
 * @param linkTimeout       close a link that sent nothing for this long
 * @param resumeGrace       how long a stream waits for its broken link to come back
 * @param maxUnacknowledged bytes per stream and direction kept for retransmission
 * @param dialTimeout       how long a dial may take, agent connect included
 * @param heartbeat         node heartbeat and agent status report interval
 * @param drainTimeout      on shutdown, how long streams may finish after GOAWAY
 */
public record TunnelListenerConfig(String nodeId, String bindHost, int port, String advertisedHost, PrivateKey key,
        List<X509Certificate> chain, List<X509Certificate> agentCas, Duration pingInterval, Duration linkTimeout,
        Duration resumeGrace, long maxUnacknowledged, Duration dialTimeout, Duration heartbeat, Duration drainTimeout) {

    public TunnelListenerConfig {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(advertisedHost, "advertisedHost");
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        agentCas = List.copyOf(agentCas);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("tunnel listener: the server certificate chain is empty");
        }
        if (agentCas.isEmpty()) {
            throw new IllegalArgumentException("tunnel listener: no agent CA given, so no agent could connect");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("tunnel listener: port " + port + " is outside 0..65535");
        }
        requirePositive("pingInterval", pingInterval);
        requirePositive("resumeGrace", resumeGrace);
        requirePositive("dialTimeout", dialTimeout);
        requirePositive("heartbeat", heartbeat);
        requirePositive("drainTimeout", drainTimeout);
        if (linkTimeout.compareTo(pingInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("tunnel listener: linkTimeout " + linkTimeout
                    + " must be at least twice pingInterval " + pingInterval);
        }
        if (maxUnacknowledged < (256 << 10)) {
            throw new IllegalArgumentException("tunnel listener: maxUnacknowledged must be at least 256 KiB");
        }
    }

    /** Production defaults: PING after 10 s, link dead after 30 s, 30 s resume grace, 8 MiB replay per stream. */
    public static TunnelListenerConfig defaults(String nodeId, String bindHost, int port, String advertisedHost,
            PrivateKey key, List<X509Certificate> chain, List<X509Certificate> agentCas) {
        return new TunnelListenerConfig(nodeId, bindHost, port, advertisedHost, key, chain, agentCas,
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30), 8L << 20,
                Duration.ofSeconds(15), Duration.ofSeconds(5), Duration.ofSeconds(20));
    }

    public TunnelListenerConfig withLiveness(Duration newPingInterval, Duration newLinkTimeout) {
        return new TunnelListenerConfig(nodeId, bindHost, port, advertisedHost, key, chain, agentCas, newPingInterval,
                newLinkTimeout, resumeGrace, maxUnacknowledged, dialTimeout, heartbeat, drainTimeout);
    }

    public TunnelListenerConfig withTimings(Duration newResumeGrace, Duration newHeartbeat, Duration newDrainTimeout) {
        return new TunnelListenerConfig(nodeId, bindHost, port, advertisedHost, key, chain, agentCas, pingInterval,
                linkTimeout, newResumeGrace, maxUnacknowledged, dialTimeout, newHeartbeat, newDrainTimeout);
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("tunnel listener: " + name + " must be a positive duration");
        }
    }
}
