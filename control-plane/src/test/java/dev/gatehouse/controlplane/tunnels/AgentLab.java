package dev.gatehouse.controlplane.tunnels;

import static dev.gatehouse.controlplane.ApiClient.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.agent.AgentCommand;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.testkit.NetworkNamespace;
import dev.gatehouse.tunnel.gateway.TunnelListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * An agent network for namespace tests: a {@link NetworkNamespace} the gateway has no route into, where a real agent
 * process joins with a one-time token and keeps its tunnel open. The agent reaches the gateway's 127.0.0.1 tunnel port
 * through two socat relays (inside the namespace, and on the veth address), so it dials the address the server
 * certificate names.
 */
final class AgentLab implements AutoCloseable {

    private final NetworkNamespace namespace;
    private final Path dir;
    private final int tunnelPort;

    private AgentLab(NetworkNamespace namespace, Path dir, int tunnelPort) {
        this.namespace = namespace;
        this.dir = dir;
        this.tunnelPort = tunnelPort;
    }

    /** A new namespace with the relays to the gateway's tunnel port; its logs go to {@code dir}. */
    static AgentLab create(Path dir, int tunnelPort) {
        NetworkNamespace namespace = NetworkNamespace.create();
        int relayPort = 20000 + ThreadLocalRandom.current().nextInt(20000);
        namespace.startOnHost(dir.resolve("relay-host.log"), "socat", "TCP-LISTEN:" + relayPort + ",bind="
                + namespace.hostAddress() + ",reuseaddr,fork", "TCP:127.0.0.1:" + tunnelPort);
        namespace.start(dir.resolve("relay-ns.log"), "socat", "TCP-LISTEN:" + tunnelPort
                + ",bind=127.0.0.1,reuseaddr,fork", "TCP:" + namespace.hostAddress() + ":" + relayPort);
        return new AgentLab(namespace, dir, tunnelPort);
    }

    NetworkNamespace namespace() {
        return namespace;
    }

    /**
     * Joins an agent named {@code inside} to {@code network} (which must exist) and runs it with {@code allow} as its
     * allow-list, until the gateway counts it healthy.
     */
    void runAgent(ApiClient admin, TunnelListener listener, String network, String allow) throws Exception {
        ApiClient.Reply token = admin.post("/api/v1/join-tokens", GatehouseTestApplication.ADMIN,
                "{\"network\":\"" + network + "\",\"ttlSeconds\":600}");
        expect(token, 201);
        Path tokenFile = Files.writeString(dir.resolve("token"), token.json().get("token").asString());
        Path ca = Files.writeString(dir.resolve("gateway-ca.pem"),
                admin.get("/api/v1/ca/x509", GatehouseTestApplication.ADMIN).body());
        Path state = dir.resolve("state");
        Path config = Files.writeString(dir.resolve("agent.conf"), "state-dir = " + state + "\nallow = " + allow + "\n");
        Process join = namespace.start(dir.resolve("join.log"), agentCommand("join", "--gateway",
                "127.0.0.1:" + tunnelPort, "--network", network, "--name", "inside", "--token-file",
                tokenFile.toString(), "--gateway-ca", ca.toString(), "--state-dir", state.toString()));
        assertThat(join.waitFor(90, TimeUnit.SECONDS) && join.exitValue() == 0)
                .as("agent join; log: %s", NetworkNamespace.read(dir.resolve("join.log"))).isTrue();
        namespace.start(dir.resolve("agent.log"), agentCommand("run", "--config", config.toString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!listener.healthyAgents(network).contains("inside") && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(listener.healthyAgents(network))
                .as("agent log: %s", NetworkNamespace.read(dir.resolve("agent.log"))).contains("inside");
    }

    /** The shipped jar when it is built, else this test's class path (the agent is a test dependency). */
    private static String[] agentCommand(String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path jar = Path.of("..", "tunnel-agent", "target", "gatehouse-agent.jar").toAbsolutePath().normalize();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m"));
        command.addAll(Files.exists(jar) ? List.of("-jar", jar.toString())
                : List.of("-cp", System.getProperty("java.class.path"), AgentCommand.class.getName()));
        command.addAll(List.of(args));
        return command.toArray(String[]::new);
    }

    @Override
    public void close() {
        namespace.close();
    }
}
