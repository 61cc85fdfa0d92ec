package dev.gatehouse.sshproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnauthenticatedConnectionsTest {

    private final UnauthenticatedConnections connections = new UnauthenticatedConnections(
            new BastionConfig.AuthLimits(50, 10, Duration.ofMinutes(5), 100, 2, 3, Duration.ofMinutes(1)));

    @Test
    void oneAddressIsCappedWithoutStoppingOthers() {
        assertThat(connections.admit("10.0.0.1")).isNull();
        assertThat(connections.admit("10.0.0.1")).isNull();

        assertThat(connections.admit("10.0.0.1")).contains("from 10.0.0.1").contains("limit 2");
        assertThat(connections.admit("10.0.0.2")).isNull();
    }

    @Test
    void theTotalIsCappedAcrossAddressesAndFreedAsConnectionsAuthenticateOrClose() {
        assertThat(connections.admit("10.0.0.1")).isNull();
        assertThat(connections.admit("10.0.0.2")).isNull();
        assertThat(connections.admit("10.0.0.3")).isNull();

        assertThat(connections.admit("10.0.0.4")).contains("limit 3");
        connections.release("10.0.0.2");
        assertThat(connections.admit("10.0.0.4")).isNull();
        connections.release("10.0.0.9");
        assertThat(connections.admit("10.0.0.5")).as("releasing an address never counted frees nothing")
                .contains("limit 3");
    }
}
