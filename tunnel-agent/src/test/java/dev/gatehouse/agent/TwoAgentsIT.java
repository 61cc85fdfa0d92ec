package dev.gatehouse.agent;

import static dev.gatehouse.agent.testbed.BoundedReads.readAll;
import static dev.gatehouse.agent.testbed.BoundedReads.readExactly;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.agent.testbed.AgentProcess;
import dev.gatehouse.agent.testbed.TcpTarget;
import dev.gatehouse.agent.testbed.Testbed;
import dev.gatehouse.agent.tunnel.TunnelAgent;
import dev.gatehouse.tunnel.gateway.TunnelListener;
import dev.gatehouse.tunnel.gateway.TunnelStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Two agents serve one network: load spreads by stream count, and losing one moves new dials to the other. */
class TwoAgentsIT {

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @Test
    void killOneAgentThenNewDialsSucceedAtOnceThroughTheOther() throws Exception {
        try (Testbed bed = new Testbed(); TcpTarget echo = TcpTarget.echo()) {
            TunnelListener gateway = bed.gateway("node-a", null);
            String address = Testbed.address(gateway.start());
            var settings = Testbed.agentSettings("127.0.0.1:" + echo.port());
            Map<String, TunnelAgent> agents = Map.of(
                    "agent-1", bed.agent("agent-1", "lab", address, settings),
                    "agent-2", bed.agent("agent-2", "lab", address, settings));
            Testbed.await("both agents are connected", () -> gateway.healthyAgents("lab").size() == 2);

            List<TunnelStream> first = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                first.add(gateway.open("lab", "127.0.0.1", echo.port()).get(30, TimeUnit.SECONDS));
            }
            Map<String, Long> perAgent = first.stream()
                    .collect(Collectors.groupingBy(TunnelStream::agentId, Collectors.counting()));
            assertThat(perAgent).as("fewest-streams choice spreads the load").isEqualTo(
                    Map.of("agent-1", 2L, "agent-2", 2L));

            String victim = first.getFirst().agentId();
            String survivor = victim.equals("agent-1") ? "agent-2" : "agent-1";
            agents.get(victim).close();

            // No waiting for the gateway to notice: a dial that lands on the dead link is retried on the other.
            Set<String> carriers = new java.util.HashSet<>();
            for (int i = 0; i < 5; i++) {
                try (TunnelStream stream = gateway.open("lab", "127.0.0.1", echo.port()).get(30, TimeUnit.SECONDS)) {
                    carriers.add(stream.agentId());
                    stream.output().write(("ping " + i).getBytes(StandardCharsets.US_ASCII));
                    assertThat(readExactly(stream.input(), 6))
                            .isEqualTo("ping " + i);
                }
            }
            assertThat(carriers).containsExactly(survivor);

            TunnelStream onSurvivor = first.stream().filter(s -> s.agentId().equals(survivor)).findFirst()
                    .orElseThrow();
            onSurvivor.output().write("still here".getBytes(StandardCharsets.US_ASCII));
            assertThat(readExactly(onSurvivor.input(), 10))
                    .isEqualTo("still here");
            assertThat(gateway.healthyAgents("lab")).containsExactly(survivor);
        }
    }

    @Test
    void agentProcessKilledMidSessionThenNewDialsSucceedAtOnceThroughTheOther() throws Exception {
        try (Testbed bed = new Testbed(); TcpTarget echo = TcpTarget.echo()) {
            TunnelListener gateway = bed.gateway("node-a", null);
            AgentProcess first = startTwoAgentProcesses(bed, gateway, echo).getFirst();
            TunnelStream a = gateway.open("lab", "127.0.0.1", echo.port()).get(30, TimeUnit.SECONDS);
            TunnelStream b = gateway.open("lab", "127.0.0.1", echo.port()).get(30, TimeUnit.SECONDS);
            TunnelStream onFirst = a.agentId().equals("agent-1") ? a : b;
            TunnelStream onSecond = onFirst == a ? b : a;
            assertThat(onSecond.agentId()).isEqualTo("agent-2");

            first.kill();
            for (int i = 0; i < 3; i++) {
                try (TunnelStream stream = gateway.open("lab", "127.0.0.1", echo.port()).get(30, TimeUnit.SECONDS)) {
                    assertThat(stream.agentId()).isEqualTo("agent-2");
                    assertEcho(stream, "new " + i);
                }
            }
            assertEcho(onSecond, "unaffected");
            assertThat(gateway.healthyAgents("lab")).containsExactly("agent-2");
        }
    }

    @Test
    void agentProcessFrozenThenDialMovesToTheOtherBeforeTheLinkTimesOut() throws Exception {
        try (Testbed bed = new Testbed(); TcpTarget echo = TcpTarget.echo()) {
            TunnelListener gateway = bed.gateway("node-a", null);
            AgentProcess frozen = startTwoAgentProcesses(bed, gateway, echo).getFirst();

            frozen.freeze();
            // agent-1 sorts first at equal load, so this dial goes to the frozen one first.
            try (TunnelStream stream = gateway.open("lab", "127.0.0.1", echo.port()).get(30, TimeUnit.SECONDS)) {
                assertThat(stream.agentId()).isEqualTo("agent-2");
                assertEcho(stream, "moved");
            }
        }
    }

    /** Starts the jar twice (agent-1, agent-2) against {@code gateway}; prints how long until both serve. */
    private List<AgentProcess> startTwoAgentProcesses(Testbed bed, TunnelListener gateway, TcpTarget echo)
            throws Exception {
        String address = Testbed.address(gateway.start());
        String allow = "127.0.0.1:" + echo.port();
        long started = System.nanoTime();
        List<AgentProcess> agents = new ArrayList<>();
        for (String name : List.of("agent-1", "agent-2")) {
            AgentProcess agent = AgentProcess.start(bed, name, "lab", address, allow, dir);
            bed.closeLater(agent);
            agents.add(agent);
        }
        Testbed.await("both agent processes are connected", java.time.Duration.ofMinutes(2),
                () -> gateway.healthyAgents("lab").size() == 2);
        System.out.printf("two agent JVMs started and linked in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        return agents;
    }

    private static void assertEcho(TunnelStream stream, String text) throws Exception {
        stream.output().write(text.getBytes(StandardCharsets.US_ASCII));
        assertThat(readExactly(stream.input(), text.length())).isEqualTo(text);
    }

    @Test
    void twoGatewayNodesThenAgentLinksToBothFromOneAddress() throws Exception {
        try (Testbed bed = new Testbed(); TcpTarget echo = TcpTarget.echo()) {
            TunnelListener nodeA = bed.gateway("node-a", null);
            TunnelListener nodeB = bed.gateway("node-b", null);
            String addressA = Testbed.address(nodeA.start());
            String addressB = Testbed.address(nodeB.start());
            TunnelAgent agent = bed.agent("agent-1", "lab", addressA, Testbed.agentSettings("127.0.0.1:" + echo.port()));
            Testbed.await("the agent links to both nodes", () -> nodeA.healthyAgents("lab").size() == 1
                    && nodeB.healthyAgents("lab").size() == 1);
            assertThat(agent.connectedGateways()).containsExactlyInAnyOrder(addressA, addressB);
            try (TunnelStream stream = nodeB.open("lab", "127.0.0.1", echo.port()).get(30, TimeUnit.SECONDS)) {
                stream.output().write("via b".getBytes(StandardCharsets.US_ASCII));
                assertThat(readExactly(stream.input(), 5)).isEqualTo("via b");
            }

            // Draining node-b: it refuses new dials, but a stream already open finishes normally.
            TunnelStream draining = nodeB.open("lab", "127.0.0.1", echo.port()).get(30, TimeUnit.SECONDS);
            var closing = java.util.concurrent.CompletableFuture.runAsync(nodeB::close);
            Testbed.await("node-b refuses new dials", () -> nodeB.open("lab", "127.0.0.1", echo.port())
                    .handle((ok, error) -> error != null && error.getMessage().contains("is shutting down")).join());
            assertEcho(draining, "during drain");
            draining.shutdownOutput();
            assertThat(readAll(draining.input())).isEmpty();
            assertThat(draining.ended().get(30, TimeUnit.SECONDS)).as("finished, not cut by the drain").isNull();
            closing.get(60, TimeUnit.SECONDS);

            Testbed.await("the agent notices node-b left", () -> agent.knownGateways().equals(List.of(addressA)));
            assertThat(nodeA.healthyAgents("lab")).containsExactly("agent-1");
        }
    }
}
