package dev.gatehouse.controlplane.tunnels;

import dev.gatehouse.tunnel.gateway.GatewayNode;
import dev.gatehouse.tunnel.gateway.NodeRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The live gateway nodes in {@code gateway_nodes}: a node is live while its last heartbeat is within three heartbeat
 * intervals. Times are the database's, so nodes with skewed clocks still agree.
 */
final class PostgresNodeRegistry implements NodeRegistry {

    private final JdbcClient jdbc;
    private final Duration liveFor;

    PostgresNodeRegistry(JdbcClient jdbc, Duration heartbeat) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        this.liveFor = Objects.requireNonNull(heartbeat, "heartbeat").multipliedBy(3);
    }

    @Override
    public void heartbeat(GatewayNode node) {
        jdbc.sql("INSERT INTO gateway_nodes (id, tunnel_address, last_heartbeat) VALUES (?, ?, now())"
                        + " ON CONFLICT (id) DO UPDATE SET tunnel_address = EXCLUDED.tunnel_address,"
                        + " last_heartbeat = now()")
                .params(node.id(), node.tunnelAddress()).update();
    }

    @Override
    public void leave(String nodeId) {
        jdbc.sql("DELETE FROM gateway_nodes WHERE id = ?").param(nodeId).update();
    }

    @Override
    public List<GatewayNode> liveNodes() {
        return jdbc.sql("SELECT id, tunnel_address FROM gateway_nodes"
                        + " WHERE last_heartbeat > now() - make_interval(secs => ?) ORDER BY id")
                .param(liveFor.toMillis() / 1000.0)
                .query((rs, row) -> new GatewayNode(rs.getString("id"), rs.getString("tunnel_address")))
                .list();
    }
}
