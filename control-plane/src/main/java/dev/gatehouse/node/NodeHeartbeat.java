package dev.gatehouse.node;

import dev.gatehouse.controlplane.nodes.NodeWire;
import dev.gatehouse.controlplane.bastion.BastionService;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the control plane every few seconds that this node is alive: a node silent for longer than
 * {@code NodeLiveness.SILENCE} has its running sessions marked interrupted there. It also tells which sessions the node
 * keeps for re-attach, so a reconnect landing on another node is told where its session is.
 */
final class NodeHeartbeat implements AutoCloseable {

    static final Duration PERIOD = Duration.ofSeconds(5);
    /** The node port's answer to a certificate it no longer admits. */
    private static final int NOT_ADMITTED = 403;
    private static final Logger log = LoggerFactory.getLogger(NodeHeartbeat.class);

    private final ControlPlaneClient client;
    private final Supplier<NodeWire.Heartbeat> state;
    private final Consumer<NodeWire.Heartbeat> delivered;
    private final Consumer<String> refused;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("node-heartbeat").daemon(true).factory());
    private volatile boolean failing;
    private volatile boolean refusing;

    /**
     * {@code state}: the session slots this node holds and those it gave back unheard, so that the control plane frees
     * the others; {@code delivered} is told of each heartbeat the control plane answered; {@code refused} is told once
     * when the control plane starts refusing this node's certificate (the node was revoked or enrolled again elsewhere).
     */
    NodeHeartbeat(ControlPlaneClient client, Supplier<NodeWire.Heartbeat> state,
            Consumer<NodeWire.Heartbeat> delivered, Consumer<String> refused) {
        this.client = Objects.requireNonNull(client, "client");
        this.state = Objects.requireNonNull(state, "state");
        this.delivered = Objects.requireNonNull(delivered, "delivered");
        this.refused = Objects.requireNonNull(refused, "refused");
    }

    /** The sessions {@code bastion} keeps for re-attach, as the heartbeat lists them. */
    static List<NodeWire.Detached> detached(BastionService bastion) {
        return bastion.detachedSessions().stream().map(d -> new NodeWire.Detached(d.sessionId(), d.username(),
                d.login(), d.host(), d.detachedAt().toEpochMilli())).toList();
    }

    NodeHeartbeat start() {
        timer.scheduleWithFixedDelay(this::beat, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void beat() {
        try {
            NodeWire.Heartbeat heartbeat = state.get();
            client.tell(NodeWire.HEARTBEAT, heartbeat);
            delivered.accept(heartbeat);
            if (failing) {
                log.info("heartbeat: the control plane answers again");
            }
            failing = false;
            refusing = false;
        } catch (ControlPlaneClient.Unavailable e) {
            if (e.status() == NOT_ADMITTED && !refusing) {
                refusing = true;
                refused.accept(e.getMessage());
            }
            if (!failing) {
                log.warn("heartbeat: {}", e.getMessage());
            }
            failing = true;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
