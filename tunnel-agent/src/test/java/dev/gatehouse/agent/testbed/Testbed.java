package dev.gatehouse.agent.testbed;

import dev.gatehouse.agent.config.AllowList;
import dev.gatehouse.agent.tunnel.AgentCredentials;
import dev.gatehouse.agent.tunnel.AgentSettings;
import dev.gatehouse.agent.tunnel.TunnelAgent;
import dev.gatehouse.testkit.Await;
import dev.gatehouse.tunnel.gateway.InMemoryAgentRegistry;
import dev.gatehouse.tunnel.gateway.InMemoryNodeRegistry;
import dev.gatehouse.tunnel.gateway.TunnelListener;
import dev.gatehouse.tunnel.gateway.TunnelListenerConfig;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;

/** Gateway nodes and agents in one JVM over real TLS on 127.0.0.1, with test PKI and in-memory registries. */
public final class Testbed implements AutoCloseable {

    public final TestPki agentCa = TestPki.create("test agent CA");
    public final TestPki gatewayCa = TestPki.create("test gateway CA");
    public final InMemoryNodeRegistry nodes = new InMemoryNodeRegistry();
    public final InMemoryAgentRegistry agents = new InMemoryAgentRegistry();
    public final TestEnrollment enrollment = new TestEnrollment(agentCa);
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();

    /** A gateway node with short liveness timings for tests; {@code advertised} null means its own port. */
    public TunnelListener gateway(String nodeId, String advertised) throws Exception {
        return gateway(nodeId, "127.0.0.1", advertised);
    }

    /** A gateway node bound to {@code bindHost} (its certificate also names that address). */
    public TunnelListener gateway(String nodeId, String bindHost, String advertised) throws Exception {
        TestPki.Issued server = gatewayCa.server(bindHost);
        TunnelListenerConfig config = TunnelListenerConfig.defaults(nodeId, bindHost, 0,
                        advertised == null ? bindHost : advertised, server.keys().getPrivate(),
                        List.of(server.certificate(), gatewayCa.certificate()), List.of(agentCa.certificate()))
                .withLiveness(Duration.ofSeconds(1), Duration.ofSeconds(6))
                .withTimings(Duration.ofSeconds(30), Duration.ofMillis(200), Duration.ofSeconds(20));
        TunnelListener listener = new TunnelListener(config, enrollment, agents, nodes);
        toClose.push(listener);
        return listener;
    }

    public static AgentSettings agentSettings(String... allow) {
        return AgentSettings.defaults(AllowList.parse(List.of(allow)))
                .withLiveness(Duration.ofSeconds(1), Duration.ofSeconds(6))
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(2));
    }

    /** An agent with a certificate from the agent CA, started against {@code gateway}. */
    public TunnelAgent agent(String name, String network, String gateway, AgentSettings settings) throws Exception {
        return started(new TunnelAgent(gateway, settings, credentials(name, network), "test"));
    }

    /** As {@link #agent(String, String, String, AgentSettings)}, on an event loop group and executor the caller owns. */
    public TunnelAgent agent(String name, String network, String gateway, AgentSettings settings,
            EventLoopGroup group, ExecutorService blocking) throws Exception {
        return started(new TunnelAgent(gateway, settings, credentials(name, network), "test", group, blocking));
    }

    private AgentCredentials credentials(String name, String network) throws Exception {
        TestPki.Issued issued = agentCa.agent(name, network);
        return new AgentCredentials(issued.keys().getPrivate(), List.of(issued.certificate()),
                List.of(gatewayCa.certificate()));
    }

    private TunnelAgent started(TunnelAgent agent) {
        toClose.push(agent);
        agent.start();
        return agent;
    }

    public static String address(InetSocketAddress bound) {
        return "127.0.0.1:" + bound.getPort();
    }

    /** Waits (generously: the machine is shared) until {@code condition} holds. */
    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, Duration.ofSeconds(30), condition);
    }

    /** As {@link #await(String, BooleanSupplier)}, for slow steps such as starting agent JVMs on a busy machine. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, timeout, condition);
    }

    public void closeLater(AutoCloseable closeable) {
        toClose.push(closeable);
    }

    /** A TCP echo service on loopback, closed with the test bed. */
    public TcpTarget echo() throws Exception {
        TcpTarget echo = TcpTarget.echo();
        closeLater(echo);
        return echo;
    }

    @Override
    public void close() throws Exception {
        while (!toClose.isEmpty()) {
            toClose.pop().close();
        }
    }
}
