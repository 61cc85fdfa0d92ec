package dev.gatehouse.node;

import dev.gatehouse.controlplane.nodes.NodeWire;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the control plane every few seconds that this node is alive: a node silent for longer than
 * {@code NodeLiveness.SILENCE} has its running sessions marked interrupted there.
 */
final class NodeHeartbeat implements AutoCloseable {

    static final Duration PERIOD = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(NodeHeartbeat.class);

    private final ControlPlaneClient client;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("node-heartbeat").daemon(true).factory());
    private volatile boolean failing;

    NodeHeartbeat(ControlPlaneClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    NodeHeartbeat start() {
        timer.scheduleWithFixedDelay(this::beat, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void beat() {
        try {
            client.send(NodeWire.HEARTBEAT, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json");
            if (failing) {
                log.info("heartbeat: the control plane answers again");
            }
            failing = false;
        } catch (ControlPlaneClient.Unavailable e) {
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
