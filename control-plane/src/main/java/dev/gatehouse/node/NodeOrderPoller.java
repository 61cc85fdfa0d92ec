package dev.gatehouse.node;

import dev.gatehouse.controlplane.bastion.BastionService;
import dev.gatehouse.controlplane.live.LiveTerminals;
import dev.gatehouse.controlplane.nodes.NodeWire;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the control plane, over and over, for orders about this node's sessions (a terminate from the API or the
 * console): the control plane holds each poll open until one arrives, so an order reaches the node within a second.
 * A terminate ends the session as a local one does, with the same message to the user; the answer says whether it
 * was live here.
 */
final class NodeOrderPoller implements AutoCloseable {

    /** The pause after the control plane could not be reached, before the next poll. */
    static final Duration RETRY = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(NodeOrderPoller.class);

    private final ControlPlaneClient client;
    private final BastionService bastion;
    private final LiveTerminals live;
    /** The live-view relays running, by activity and the control plane they relay to. */
    private final java.util.Map<String, NodeLiveRelay> relays = new java.util.concurrent.ConcurrentHashMap<>();
    private final NodeLiveRelay.Budget budget = new NodeLiveRelay.Budget(NodeLiveRelay.MAX_NODE_QUEUED_BYTES);
    private final Thread poller;
    private volatile boolean closed;

    NodeOrderPoller(ControlPlaneClient client, BastionService bastion, LiveTerminals live) {
        this.client = Objects.requireNonNull(client, "client");
        this.bastion = Objects.requireNonNull(bastion, "bastion");
        this.live = Objects.requireNonNull(live, "live");
        this.poller = Thread.ofVirtual().name("node-orders").unstarted(this::poll);
    }

    NodeOrderPoller start() {
        poller.start();
        return this;
    }

    private void poll() {
        boolean failing = false;
        while (!closed) {
            try {
                for (NodeWire.Order order : client.call(NodeWire.ORDERS, java.util.Map.of(), NodeWire.Orders.class)
                        .orders()) {
                    carryOut(order);
                }
                failing = false;
            } catch (ControlPlaneClient.Unavailable e) {
                if (!failing && !closed) {
                    log.warn("orders: {}", e.getMessage());
                }
                failing = true;
                pause();
            }
        }
    }

    private void carryOut(NodeWire.Order order) throws ControlPlaneClient.Unavailable {
        if ("watch".equals(order.kind())) {
            // The control plane the watcher is on (several may share the database); its node port, over TLS only. It
            // orders a relay for its first watcher only (later ones share it): one relay per activity and control
            // plane, and a newer order from the same one (its watchers had all left) starts over with the backlog.
            boolean elsewhere = order.replyTo() != null && order.replyTo().startsWith("https://");
            ControlPlaneClient watcher = elsewhere ? client.at(order.replyTo()) : client;
            NodeLiveRelay earlier = relays.put(order.sessionId() + " " + (elsewhere ? order.replyTo() : ""),
                    NodeLiveRelay.start(order.sessionId(), order.id(), NodeLiveRelay.Sink.to(watcher), live, budget));
            if (earlier != null) {
                earlier.stop();
            }
            relays.values().removeIf(relay -> !relay.isOpen());
            log.info("session {}: relaying its terminal to the control plane for a live view", order.sessionId());
            return;
        }
        if (!"terminate".equals(order.kind())) {
            log.warn("order {}: unknown kind '{}', ignored", order.id(), order.kind());
            return;
        }
        boolean ended = bastion.terminate(order.sessionId(), order.reason());
        log.info("session {} terminated by the control plane ({}): {}", order.sessionId(), order.reason(),
                ended ? "ended" : "not live here");
        client.tell(NodeWire.ORDER_DONE, new NodeWire.OrderDone(order.id(), ended));
    }

    private void pause() {
        try {
            Thread.sleep(RETRY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        poller.interrupt();
    }
}
