package dev.gatehouse.node;

import dev.gatehouse.controlplane.tunnels.NodeTunnelWire;
import dev.gatehouse.tunnel.gateway.GatewayNode;
import dev.gatehouse.tunnel.gateway.NodeRegistry;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;

/**
 * The live gateway nodes as the control plane knows them: each tunnel heartbeat tells it this node's tunnel address
 * and brings back the list the node passes on to its agents (so an agent linked to any node learns every other).
 * While the control plane is away the last list stands.
 */
final class RemoteNodeRegistry implements NodeRegistry {

    private static final Logger log = LoggerFactory.getLogger(RemoteNodeRegistry.class);
    private static final TypeReference<List<NodeTunnelWire.Node>> NODES = new TypeReference<>() {};

    private final ControlPlaneClient client;
    private volatile List<GatewayNode> live = List.of();
    private volatile boolean failing;

    RemoteNodeRegistry(ControlPlaneClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public void heartbeat(GatewayNode node) {
        try {
            live = client.call(NodeTunnelWire.NODES, new NodeTunnelWire.Beat(node.tunnelAddress()), NODES).stream()
                    .map(n -> new GatewayNode(n.id(), n.tunnelAddress())).toList();
            if (failing) {
                log.info("tunnel heartbeat: the control plane answers again");
            }
            failing = false;
        } catch (ControlPlaneClient.Unavailable e) {
            if (!failing) {
                log.warn("tunnel heartbeat: {}; agents keep the last node list", e.getMessage());
            }
            failing = true;
        }
    }

    @Override
    public void leave(String nodeId) {
        try {
            client.tell(NodeTunnelWire.LEAVE, new NodeTunnelWire.Beat(null));
        } catch (ControlPlaneClient.Unavailable e) {
            log.warn("could not leave the control plane's node list (it drops this node after 15 s): {}",
                    e.getMessage());
        }
    }

    @Override
    public List<GatewayNode> liveNodes() {
        return live;
    }
}
