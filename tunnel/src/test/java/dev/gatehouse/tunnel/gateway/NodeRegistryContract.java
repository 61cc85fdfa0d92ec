package dev.gatehouse.tunnel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link NodeRegistry} does, whatever keeps it: the in-memory one's test and the PostgreSQL one's both
 * extend this. The registry may be shared with other tests, so each case looks only at nodes it made.
 */
public abstract class NodeRegistryContract {

    /** The registry under test; nodes stay live in it for at least a minute after a heartbeat. */
    protected abstract NodeRegistry registry();

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private GatewayNode node(String name, int port) {
        return new GatewayNode(name + "-" + run, "node-" + name + ".example:" + port);
    }

    private List<GatewayNode> mine() {
        return registry().liveNodes().stream().filter(node -> node.id().endsWith("-" + run)).toList();
    }

    @Test
    void aNodeIsLiveFromItsFirstHeartbeat() {
        assertThat(mine()).isEmpty();

        registry().heartbeat(node("a", 4443));

        assertThat(mine()).containsExactly(node("a", 4443));
    }

    @Test
    void liveNodesComeSortedById() {
        registry().heartbeat(node("c", 1));
        registry().heartbeat(node("a", 2));
        registry().heartbeat(node("b", 3));

        assertThat(mine()).extracting(GatewayNode::id).containsExactly("a-" + run, "b-" + run, "c-" + run);
    }

    @Test
    void aLaterHeartbeatReplacesTheNodesAddress() {
        registry().heartbeat(node("a", 4443));
        registry().heartbeat(node("a", 5443));

        assertThat(mine()).containsExactly(node("a", 5443));
    }

    @Test
    void aNodeThatLeftIsNoLongerLiveAndTheOthersStay() {
        registry().heartbeat(node("a", 1));
        registry().heartbeat(node("b", 2));

        registry().leave(node("a", 1).id());

        assertThat(mine()).containsExactly(node("b", 2));
    }

    @Test
    void leavingTwiceOrUnheardOfIsHarmless() {
        registry().heartbeat(node("a", 1));
        registry().leave(node("a", 1).id());
        registry().leave(node("a", 1).id());
        registry().leave(node("never", 1).id());

        assertThat(mine()).isEmpty();
    }
}
