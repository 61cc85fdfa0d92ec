package dev.gatehouse.controlplane.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The node port's certificate names the host of {@code gatehouse.nodes.advertised-url}, where nodes relay to. */
class NodePortNamesTest {

    @Test
    void theAdvertisedUrlsHostIsNamedAnAddressAsWell() {
        assertThat(NodePortConfiguration.nodePortNames("cp.example", "https://10.1.2.3:4446"))
                .contains("localhost", "127.0.0.1", "cp.example", "10.1.2.3");
        assertThat(NodePortConfiguration.nodePortNames("cp.example", "https://control-plane-1:4446/"))
                .contains("control-plane-1");
    }

    @Test
    void withoutAnAdvertisedUrlOnlyTheMachinesAndTheAdvertisedHostsNames() {
        assertThat(NodePortConfiguration.nodePortNames("cp.example", ""))
                .containsExactlyElementsOf(dev.gatehouse.controlplane.tunnels.TunnelConfiguration
                        .serverNames("cp.example"));
    }
}
