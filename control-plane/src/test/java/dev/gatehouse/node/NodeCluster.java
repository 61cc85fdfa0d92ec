package dev.gatehouse.node;

import static dev.gatehouse.controlplane.ApiClient.expect;

import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.testkit.CommandResult;
import dev.gatehouse.testkit.OpenSshClient;
import dev.gatehouse.testkit.OpenSshServer;
import dev.gatehouse.testkit.SshKeyFiles;
import dev.gatehouse.testkit.SshKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A control plane and its bastion nodes as processes under one work directory, started with the root README's "Running
 * several nodes" settings (environment variables, loopback ports), and a person allowed onto a real OpenSSH target
 * through them. Closing it kills whatever still runs.
 */
final class NodeCluster implements AutoCloseable {

    static final String ADMIN = "node-cluster-admin-token-0123456789";

    private final Path work;
    private final int httpPort = port();
    private final int nodesPort = port();
    private final List<NodeProcess> nodes = new ArrayList<>();
    private NodeProcess controlPlane;

    NodeCluster(Path work) {
        this.work = work;
    }

    ApiClient admin() {
        return new ApiClient(httpPort);
    }

    int nodesPort() {
        return nodesPort;
    }

    NodeProcess controlPlane() {
        return controlPlane;
    }

    /** Starts (or starts again, on the same data directory) the control plane, waiting until it serves. */
    NodeProcess startControlPlane(Map<String, String> extra) throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of("GATEHOUSE_BOOTSTRAP_TOKEN", ADMIN,
                "GATEHOUSE_HTTP_PORT", String.valueOf(httpPort), "GATEHOUSE_NODES_PORT", String.valueOf(nodesPort),
                "GATEHOUSE_NODES_BIND_ADDRESS", "127.0.0.1", "GATEHOUSE_DATABASE_FSYNC", "false"));
        environment.putAll(extra);
        controlPlane = NodeProcess.start("control-plane", work.resolve("control-plane"), environment);
        return controlPlane.awaitLog("node port listening on " + nodesPort).awaitLog("Gatehouse is up");
    }

    /**
     * Starts another control plane sharing the first one's database ({@code extra} names it, as it does for the first)
     * with its own data directory, HTTP port and node port; returns an admin client for it.
     */
    ApiClient startOtherControlPlane(Map<String, String> extra) throws Exception {
        int http = port();
        int nodePort = port();
        Map<String, String> environment = new HashMap<>(Map.of("GATEHOUSE_BOOTSTRAP_TOKEN", ADMIN,
                "GATEHOUSE_HTTP_PORT", String.valueOf(http), "GATEHOUSE_NODES_PORT", String.valueOf(nodePort),
                "GATEHOUSE_NODES_BIND_ADDRESS", "127.0.0.1", "GATEHOUSE_NODES_ADVERTISED_URL",
                "https://127.0.0.1:" + nodePort));
        environment.putAll(extra);
        NodeProcess other = NodeProcess.start("control-plane", work.resolve("control-plane-b"), environment);
        nodes.add(other); // closed with the nodes
        other.awaitLog("node port listening on " + nodePort).awaitLog("Gatehouse is up");
        return new ApiClient(http);
    }

    /** Starts a bastion node enrolling with {@code token}; wait for it with {@code awaitLog("serving SSH on port")}. */
    NodeProcess startNode(String name, int sshPort, String token, Map<String, String> extra) throws IOException {
        // Each node serves a tunnel port too: its own (as the README's two nodes use 4443 and 4444), unless the test names one.
        Map<String, String> environment = new HashMap<>(Map.of("GATEHOUSE_CONTROL_PLANE_URL", "https://127.0.0.1:"
                + nodesPort, "GATEHOUSE_NODE_TOKEN", token, "GATEHOUSE_SSH_PORT", String.valueOf(sshPort),
                "GATEHOUSE_SSH_BIND_ADDRESS", "127.0.0.1", "GATEHOUSE_TUNNEL_PORT", String.valueOf(port()),
                "GATEHOUSE_TUNNEL_BIND_ADDRESS", "127.0.0.1", "GATEHOUSE_TUNNEL_ADVERTISED_HOST", "127.0.0.1",
                // As GatehouseTestApplication: the default 4 s for TCP, key exchange and login to a target is short for
                // a login through an agent's tunnel while the suite loads both cores (NodeTunnelsIT once ran out).
                "GATEHOUSE_SSH_CONNECT_TIMEOUT", "15s"));
        environment.putAll(extra);
        NodeProcess node = NodeProcess.start("bastion", work.resolve(name), environment);
        nodes.add(node);
        return node;
    }

    /** A one-time node token from {@code POST /api/v1/node-tokens}. */
    String nodeToken() {
        ApiClient.Reply reply = admin().post("/api/v1/node-tokens", ADMIN, "{\"role\":\"bastion\",\"ttlSeconds\":600}");
        expect(reply, 201);
        if (!reply.json().get("token").asString().startsWith("gh_node_")) {
            throw new IllegalStateException("not a node token: " + reply);
        }
        return reply.json().get("token").asString();
    }

    /** The id a node chose at enrolment ({@code <data-dir>/node-id}), as sessions name it. */
    String nodeId(String name) throws IOException {
        return Files.readString(work.resolve(name).resolve("node-id")).strip();
    }

    /**
     * A person (nina) whose role lets her log into {@code target} as its login user, through any node, with her key
     * and the control plane's host CA in an ssh_config.
     */
    Engineer allowOnto(OpenSshServer target) throws IOException {
        ApiClient admin = admin();
        SshKeyFiles key = SshKeys.ed25519(Files.createDirectories(work.resolve("user")));
        AccessFixture access = new AccessFixture(admin, ADMIN);
        String role = access.role("ops").logins(target.loginUser()).hostLabel("env", "lab").create();
        String person = access.person("nina").roles(role).key(key.publicKeyLine()).create();
        String host = access.host("web").address("127.0.0.1:" + target.port()).label("env", "lab").create();
        Path knownHosts = Files.writeString(work.resolve("known_hosts"), admin.get("/api/v1/ca/ssh-host", ADMIN)
                .body());
        Path config = Files.writeString(work.resolve("ssh_config"), String.join("\n", "Host *",
                "  IdentityFile " + key.privateKey(), "  IdentitiesOnly yes", "  IdentityAgent none",
                "  UserKnownHostsFile " + knownHosts, "  GlobalKnownHostsFile /dev/null", "  StrictHostKeyChecking yes",
                "  BatchMode yes", "  ConnectTimeout 20", "  ServerAliveInterval 5", "  ServerAliveCountMax 3", ""));
        return new Engineer(config, person, role, host, target.loginUser());
    }

    /** What {@link #allowOnto} made: the ssh_config, the person, her role, the host and the login there. */
    record Engineer(Path config, String person, String role, String host, String login) {

        /** {@code <login>@<host>@127.0.0.1}, as {@code ssh} through a node names the target. */
        String destination() {
            return login + "@" + host + "@127.0.0.1";
        }
    }

    /** Whether a process's data directory holds evidence waiting in its spool's journal. */
    static boolean spooled(Path dataDir) {
        try (var files = Files.walk(dataDir.resolve("spool"))) {
            return files.anyMatch(file -> file.getFileName().toString().startsWith("journal")
                    && file.toFile().length() > 0);
        } catch (IOException e) {
            return false;
        }
    }

    /** The id of the one session running on {@code node}, once the control plane lists it. */
    static String runningSessionOn(ApiClient admin, String node) throws InterruptedException {
        String[] id = {null};
        NodeProcess.await("a session running on " + node, () -> {
            for (JsonNode session : admin.get("/api/v1/sessions?status=running", ADMIN).json().get("sessions")) {
                if (session.get("node").asString().equals(node)) {
                    id[0] = session.get("sessionId").asString();
                }
            }
            return id[0] != null;
        });
        return id[0];
    }

    /** What an {@code ssh} run gave: its exit status and what it printed. */
    record SshResult(int exit, String out, String err) {}

    /** {@code ssh -F config -p port destination [command]} with no input; {@code command} null asks for a shell. */
    static SshResult ssh(Path config, int port, String destination, String command) {
        OpenSshClient ssh = OpenSshClient.ssh().config(config).port(port).arguments(destination);
        if (command != null) {
            ssh.arguments(command);
        }
        CommandResult result = ssh.run();
        return new SshResult(result.exitCode(), result.stdoutText(), result.stderr());
    }

    static int port() {
        try {
            return NodeProcess.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (NodeProcess node : nodes) {
            node.close();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
    }
}
