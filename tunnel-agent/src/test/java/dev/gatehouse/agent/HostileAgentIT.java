package dev.gatehouse.agent;

import static dev.gatehouse.agent.testbed.BoundedReads.read;
import static dev.gatehouse.agent.testbed.BoundedReads.readExactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.agent.testbed.HostileAgent;
import dev.gatehouse.agent.testbed.Testbed;
import dev.gatehouse.tunnel.gateway.TunnelDialException;
import dev.gatehouse.tunnel.gateway.TunnelStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Agents with valid certificates that answer with malformed headers and frames: the gateway stays up. */
class HostileAgentIT extends OneGatewayFixture {

    private static TunnelStream longLived;

    @BeforeAll
    static void startAgents() throws Exception {
        bed.agent("good", "lab", address, Testbed.agentSettings("127.0.0.1:" + echo.port()));
        HostileAgent evil = new HostileAgent(bed, "evil", "evil", address, false);
        bed.closeLater(evil);
        Testbed.await("both agents are connected", () -> gateway.healthyAgents("lab").contains("good")
                && gateway.healthyAgents("evil").contains("evil"));
        longLived = gateway.open("lab", "127.0.0.1", echo.port()).get(30, TimeUnit.SECONDS);
    }

    @Test
    void malformedResponseHeadersThenDialFailsWithReason() {
        assertThatThrownBy(() -> gateway.open("evil", "bad-status.test", 1).get(30, TimeUnit.SECONDS))
                .cause().isInstanceOf(TunnelDialException.class).hasMessageContaining("status abc");
        assertThatThrownBy(() -> gateway.open("evil", "huge-error.test", 1).get(30, TimeUnit.SECONDS))
                .cause().isInstanceOf(TunnelDialException.class)
                .hasMessageContaining("refused by agent evil: xxxx")
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(500));
        assertOthersContinue();
    }

    @Test
    void malformedFramesThenOnlyThatStreamBreaksWithReason() throws Exception {
        for (String host : new String[] {"garbage.test", "gap.test", "ack-beyond.test"}) {
            TunnelStream stream = gateway.open("evil", host, 1).get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> read(stream.input()))
                    .as(host).isInstanceOf(IOException.class).hasMessageContaining("malformed frame");
        }
        try (TunnelStream fine = gateway.open("evil", "echo.test", 1).get(30, TimeUnit.SECONDS)) {
            fine.output().write("framed".getBytes(StandardCharsets.US_ASCII));
            assertThat(readExactly(fine.input(), 6)).isEqualTo("framed");
        }
        assertOthersContinue();
    }

    @Test
    void bytesThatAreNotHttp2ThenLinkClosedAndGatewayStaysUp() throws Exception {
        try (HostileAgent raw = new HostileAgent(bed, "raw", "evil", address, true)) {
            Testbed.await("the gateway closed the raw link", () -> !raw.isOpen());
        }
        assertThat(gateway.healthyAgents("evil")).doesNotContain("raw");
        assertOthersContinue();
    }

    private static void assertOthersContinue() {
        try {
            longLived.output().write("ok".getBytes(StandardCharsets.US_ASCII));
            assertThat(readExactly(longLived.input(), 2)).isEqualTo("ok");
            try (TunnelStream fresh = gateway.open("lab", "127.0.0.1", echo.port()).get(30, TimeUnit.SECONDS)) {
                fresh.output().write("new".getBytes(StandardCharsets.US_ASCII));
                assertThat(readExactly(fresh.input(), 3)).isEqualTo("new");
            }
        } catch (Exception e) {
            throw new AssertionError("the well-behaved agent's streams were disturbed", e);
        }
    }
}
