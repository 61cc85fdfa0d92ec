package dev.gatehouse.tunnel.gateway;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** Live nodes in memory, expired after {@code ttl} without a heartbeat; shared by the nodes of one JVM. */
public final class InMemoryNodeRegistry implements NodeRegistry {

    private record Seen(GatewayNode node, Instant at) {
    }

    private final Map<String, Seen> nodes = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final Clock clock;

    public InMemoryNodeRegistry(Duration ttl, Clock clock) {
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public InMemoryNodeRegistry() {
        this(Duration.ofSeconds(30), Clock.systemUTC());
    }

    @Override
    public void heartbeat(GatewayNode node) {
        nodes.put(node.id(), new Seen(node, clock.instant()));
    }

    @Override
    public void leave(String nodeId) {
        nodes.remove(nodeId);
    }

    @Override
    public List<GatewayNode> liveNodes() {
        Instant oldest = clock.instant().minus(ttl);
        return nodes.values().stream()
                .filter(seen -> seen.at().isAfter(oldest))
                .map(Seen::node)
                .sorted(Comparator.comparing(GatewayNode::id))
                .toList();
    }
}
