package dev.gatehouse.controlplane.tunnels;

import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.tunnel.gateway.NodeRegistry;
import dev.gatehouse.tunnel.gateway.NodeRegistryContract;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The nodes' shared registry in PostgreSQL keeps the contract the in-memory one keeps, as the application's role. */
class PostgresNodeRegistryIT extends GatehouseTestApplication {

    @Autowired
    private JdbcClient jdbc;

    @Nested
    class Contract extends NodeRegistryContract {
        @Override
        protected NodeRegistry registry() {
            return new PostgresNodeRegistry(jdbc, Duration.ofSeconds(20));
        }
    }
}
