package dev.gatehouse.tunnel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testkit.SettableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryNodeRegistryTest extends NodeRegistryContract {

    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-05T12:00:00Z"));
    private final InMemoryNodeRegistry registry = new InMemoryNodeRegistry(Duration.ofSeconds(30), clock);

    @Override
    protected NodeRegistry registry() {
        return registry;
    }

    @Test
    void aNodeSilentForItsTimeToLiveIsNoLongerLive() {
        registry.heartbeat(new GatewayNode("quiet", "quiet.example:4443"));
        clock.advance(Duration.ofSeconds(29));
        assertThat(registry.liveNodes()).extracting(GatewayNode::id).containsExactly("quiet");

        clock.advance(Duration.ofSeconds(1));

        assertThat(registry.liveNodes()).isEmpty();
    }
}
