package dev.gatehouse.controlplane.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.sshproxy.access.Forwarding;
import dev.gatehouse.sshproxy.access.HostAndPort;
import dev.gatehouse.sshproxy.access.Target;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** A grant the control plane sends a bastion node arrives whole: a node decides with what the control plane decided. */
class NodeWireTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aGrantKeepsItsReattachGraceOnTheWayToANode() {
        Target granted = new Target("web", new HostAndPort("10.0.0.5", 22), Target.DIRECT_NETWORK, Optional.empty(),
                Duration.ofHours(8), new Forwarding(true, false, false), Duration.ofSeconds(600));

        String sent = json.writeValueAsString(NodeWire.WireTarget.of(granted));
        Target received = json.readValue(sent, NodeWire.WireTarget.class).target();

        assertThat(received).isEqualTo(granted);
        assertThat(received.detachedFor()).isEqualTo(Duration.ofSeconds(600));
    }

    @Test
    void aGrantWithoutReattachStaysWithout() {
        Target granted = new Target("web", new HostAndPort("10.0.0.5", 22), Target.DIRECT_NETWORK, Optional.empty(),
                Duration.ofHours(8), new Forwarding(false, false, false));

        assertThat(NodeWire.WireTarget.of(granted).target().detachedFor()).isZero();
    }
}
