package dev.gatehouse.controlplane.tunnels;

import dev.gatehouse.tunnel.gateway.TunnelListener;
import dev.gatehouse.tunnel.gateway.TunnelMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * This node's tunnel metrics in Micrometer ({@code gatehouse_tunnel_*} in Prometheus), tagged with the node id:
 * levels read from the running listener, counters fed by its events. Counters outlive a listener restart.
 */
final class MicrometerTunnelMetrics implements TunnelMetrics {

    private final MeterRegistry registry;
    private final Tags node;
    private final Counter linksAccepted;
    private final Map<Refusal, Counter> linksRefused = new EnumMap<>(Refusal.class);
    private final Map<DialOutcome, Counter> dials = new EnumMap<>(DialOutcome.class);

    MicrometerTunnelMetrics(MeterRegistry registry, String nodeId) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.node = Tags.of("node", nodeId);
        linksAccepted = Counter.builder("gatehouse.tunnel.links.accepted").tags(node)
                .description("Agent links admitted by this node (first links and reconnects)").register(registry);
        for (Refusal reason : Refusal.values()) {
            linksRefused.put(reason, Counter.builder("gatehouse.tunnel.links.refused").tags(node)
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                    .description("Connections to the tunnel port refused, by reason").register(registry));
        }
        for (DialOutcome outcome : DialOutcome.values()) {
            dials.put(outcome, Counter.builder("gatehouse.tunnel.dials").tags(node)
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                    .description("Dials through agent tunnels, by outcome").register(registry));
        }
    }

    /** Registers the levels, read from {@code service}'s running listener (zero while it is stopped). */
    void bind(TunnelService service) {
        gauge(service, "gatehouse.tunnel.agents.connected", "Agents with a healthy link to this node",
                TunnelListener::connectedAgents);
        gauge(service, "gatehouse.tunnel.links", "Agent links this node holds", TunnelListener::links);
        gauge(service, "gatehouse.tunnel.streams.open", "Streams open through tunnels (or waiting to resume)",
                TunnelListener::openStreams);
        FunctionCounter.builder("gatehouse.tunnel.bytes", service, s -> read(s, TunnelListener::bytesIn))
                .tags(node).tag("direction", "in").description("Bytes received from agents through tunnel streams")
                .register(registry);
        FunctionCounter.builder("gatehouse.tunnel.bytes", service, s -> read(s, TunnelListener::bytesOut))
                .tags(node).tag("direction", "out").description("Bytes sent to agents through tunnel streams")
                .register(registry);
    }

    private void gauge(TunnelService service, String name, String description,
            ToDoubleFunction<TunnelListener> level) {
        Gauge.builder(name, service, s -> read(s, level)).tags(node).description(description).register(registry);
    }

    private static double read(TunnelService service, ToDoubleFunction<TunnelListener> value) {
        TunnelListener listener = service.runningListener();
        return listener == null ? 0 : value.applyAsDouble(listener);
    }

    @Override
    public void linkAccepted() {
        linksAccepted.increment();
    }

    @Override
    public void linkRefused(Refusal reason) {
        linksRefused.get(reason).increment();
    }

    @Override
    public void dialed(DialOutcome outcome) {
        dials.get(outcome).increment();
    }
}
