package dev.gatehouse.tunnel.gateway;

import java.util.List;

/** The live gateway nodes; PostgreSQL-backed in the control plane so that every node sees the others. */
public interface NodeRegistry {

    /** Records that {@code node} is alive now; called every heartbeat interval. */
    void heartbeat(GatewayNode node);

    /** Removes a node that is shutting down. */
    void leave(String nodeId);

    /** Nodes whose last heartbeat is recent, sorted by id. */
    List<GatewayNode> liveNodes();
}
