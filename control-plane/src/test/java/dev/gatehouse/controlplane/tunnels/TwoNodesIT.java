package dev.gatehouse.controlplane.tunnels;

import static dev.gatehouse.controlplane.ApiClient.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.agent.AgentCommand;
import dev.gatehouse.agent.config.AgentConfigFile;
import dev.gatehouse.agent.enroll.AgentState;
import dev.gatehouse.agent.tunnel.TunnelAgent;
import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.WholeGateways;
import dev.gatehouse.controlplane.GatehouseApplication;
import dev.gatehouse.controlplane.bastion.BastionService;
import dev.gatehouse.testkit.CommandResult;
import dev.gatehouse.testkit.OpenSshClient;
import dev.gatehouse.testkit.SshClientConfig;
import dev.gatehouse.testkit.Await;
import dev.gatehouse.testkit.OpenSshServer;
import dev.gatehouse.testkit.SshKeyFiles;
import dev.gatehouse.testkit.SshKeys;
import dev.gatehouse.testkit.TestDatabase;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two gateway nodes on one PostgreSQL, as in production: an agent that joined through node A learns node B from A
 * and keeps a link to each; a session through node B's bastion goes on, and new ones succeed, while node A stops;
 * when A comes back the agent links to it again by itself. Runs in a JVM of its own (two Spring contexts beside the
 * shared test context would fight over the process-wide logging set-up).
 */
class TwoNodesIT {

    private static final String ADMIN = "two-nodes-admin-token-0123456789";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final TestDatabase database = TestDatabase.create();
    private final String masterKey = WholeGateways.randomMasterKey();

    @TempDir
    Path work;

    @Test
    void anAgentLinksToEveryNodeSessionsSurviveANodeStoppingAndARevocationCutsItOnEveryNode() throws Exception {
        ConfigurableApplicationContext nodeA = start("a");
        ConfigurableApplicationContext nodeB = null;
        TunnelAgent agent = null;
        try (OpenSshServer target = OpenSshServer.builder()
                .trustedUserCaKeys(api(nodeA).get("/api/v1/ca/ssh-user", ADMIN).body().strip()).start()) {
            ApiClient admin = api(nodeA);
            SshKeyFiles key = SshKeys.ed25519(Files.createDirectories(work.resolve("user")));
            expect(admin.post("/api/v1/networks", ADMIN, "{\"name\":\"lab\",\"description\":\"\"}"), 201);
            AccessFixture access = new AccessFixture(admin, ADMIN);
            String role = access.role("ops").logins(target.loginUser()).hostLabel("env", "lab").create();
            access.person("olga").roles(role).key(key.publicKeyLine()).create();
            String host = access.host("db").address("127.0.0.1:" + target.port()).label("env", "lab").network("lab")
                    .create();
            nodeB = start("b");

            agent = joinAndRun(admin, tunnelAddress(nodeA), target.port());
            TunnelAgent linked = agent;
            String addressA = tunnelAddress(nodeA);
            String addressB = tunnelAddress(nodeB);
            await("the agent links to both nodes", () -> linked.connectedGateways().equals(sorted(addressA, addressB)));
            ApiClient adminB = api(nodeB);
            await("node B lists the agent with a connected link to each node", () -> connectedLinks(adminB) == 2);

            Path sshConfig = sshConfig(admin, key);
            String destination = target.loginUser() + "@" + host + "@127.0.0.1";
            int sshB = nodeB.getBean(BastionService.class).port();
            assertThat(runSsh(sshConfig, sshB, destination, "echo via-b")).isEqualTo("via-b\n");
            Process session = client(sshConfig, sshB).arguments(destination, "cat").process().redirectError(work.resolve("session.err").toFile()).start();
            BufferedReader fromSession = new BufferedReader(
                    new InputStreamReader(session.getInputStream(), StandardCharsets.UTF_8));
            OutputStream toSession = session.getOutputStream();
            assertThat(echo(toSession, fromSession, "before A stops")).isEqualTo("before A stops");

            nodeA.close();
            await("the agent notices node A left", () -> linked.connectedGateways().equals(List.of(addressB)));
            assertThat(echo(toSession, fromSession, "after A stopped")).as(Files.readString(work.resolve("session.err")))
                    .isEqualTo("after A stopped");
            assertThat(runSsh(sshConfig, sshB, destination, "echo still-via-b")).isEqualTo("still-via-b\n");

            nodeA = start("a");
            String addressAgain = tunnelAddress(nodeA);
            await("the agent links to node A again by itself",
                    () -> linked.connectedGateways().equals(sorted(addressAgain, addressB)));
            int sshA = nodeA.getBean(BastionService.class).port();
            assertThat(runSsh(sshConfig, sshA, destination, "echo via-a-again")).isEqualTo("via-a-again\n");
            assertThat(echo(toSession, fromSession, "all along")).isEqualTo("all along");
            toSession.close();
            assertThat(session.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(session.exitValue()).isZero();

            // Revoked through node A: node B learns it from the database at its next heartbeat (5 s) and cuts the
            // agent's link and the session through it, naming the reason.
            Path revokedErr = work.resolve("revoked.err");
            Process throughB = client(sshConfig, sshB).arguments(destination, "cat").process().redirectError(revokedErr.toFile()).start();
            BufferedReader fromB = new BufferedReader(
                    new InputStreamReader(throughB.getInputStream(), StandardCharsets.UTF_8));
            assertThat(echo(throughB.getOutputStream(), fromB, "before the revocation")).isEqualTo("before the revocation");
            String id = api(nodeA).get("/api/v1/agents", ADMIN).json().get(0).get("id").asString();
            expect(api(nodeA).delete("/api/v1/agents/" + id, ADMIN), 204);
            assertThat(throughB.waitFor(30, TimeUnit.SECONDS)).as("the session through node B ended").isTrue();
            assertThat(Files.readString(revokedErr)).contains("edge@lab").contains("not enrolled (revoked");
            TunnelService tunnelsA = nodeA.getBean(TunnelService.class);
            TunnelService tunnelsB = nodeB.getBean(TunnelService.class);
            await("neither node has a link from the revoked agent", () -> tunnelsA.listener().healthyAgents("lab")
                    .isEmpty() && tunnelsB.listener().healthyAgents("lab").isEmpty());
        } finally {
            if (agent != null) {
                agent.close();
            }
            if (nodeB != null) {
                nodeB.close();
            }
            nodeA.close();
        }
    }

    private ConfigurableApplicationContext start(String node) {
        return new SpringApplicationBuilder(GatehouseApplication.class).run(
                "--gatehouse.data-dir=" + work.resolve("node-" + node), "--server.port=0",
                "--gatehouse.database.url=" + database.jdbcUrl(), "--gatehouse.database.username=" + database.username(),
                "--gatehouse.database.password=" + (database.password() == null ? "" : database.password()),
                "--gatehouse.secrets.master-key=" + masterKey, "--gatehouse.bootstrap-token=" + ADMIN,
                "--gatehouse.ssh.port=0", "--gatehouse.ssh.bind-address=127.0.0.1", "--gatehouse.tunnel.port=0",
                "--gatehouse.tunnel.bind-address=127.0.0.1", "--gatehouse.tunnel.advertised-host=127.0.0.1",
                "--gatehouse.ssh.connect-timeout=15s");
    }

    private TunnelAgent joinAndRun(ApiClient admin, String gateway, int allowedPort) throws Exception {
        ApiClient.Reply token = admin.post("/api/v1/join-tokens", ADMIN, "{\"network\":\"lab\",\"ttlSeconds\":600}");
        expect(token, 201);
        Path tokenFile = Files.writeString(work.resolve("token"), token.json().get("token").asString());
        Path ca = Files.writeString(work.resolve("gateway-ca.pem"), admin.get("/api/v1/ca/x509", ADMIN).body());
        Path state = work.resolve("agent-state");
        assertThat(AgentCommand.execute("join", "--gateway", gateway, "--network", "lab", "--name", "edge",
                "--token-file", tokenFile.toString(), "--gateway-ca", ca.toString(), "--state-dir", state.toString()))
                .isZero();
        Path config = Files.writeString(work.resolve("agent.conf"),
                "state-dir = " + state + "\nallow = 127.0.0.1:" + allowedPort + "\n");
        TunnelAgent agent = new TunnelAgent(gateway, AgentConfigFile.load(config).settings(),
                new AgentState(state).credentials(), "two-nodes-it");
        agent.start();
        return agent;
    }

    private static int connectedLinks(ApiClient admin) {
        for (JsonNode agent : admin.get("/api/v1/agents", ADMIN).json()) {
            if (agent.get("name").asString().equals("edge")) {
                int connected = 0;
                for (JsonNode link : agent.get("links")) {
                    connected += link.get("connected").asBoolean() ? 1 : 0;
                }
                return connected;
            }
        }
        return 0;
    }

    private Path sshConfig(ApiClient admin, SshKeyFiles key) {
        return SshClientConfig.write(work.resolve("ssh_config"), key.privateKey(),
                admin.get("/api/v1/ca/ssh-host", ADMIN).body().strip());
    }

    /** ssh to a node's bastion port (connect timeout 20 s: dials cross the tunnel). */
    private static OpenSshClient client(Path config, int port) {
        return OpenSshClient.ssh().config(config).port(port).option("ConnectTimeout", "20");
    }

    private String runSsh(Path config, int port, String destination, String command) {
        CommandResult result = client(config, port).arguments(destination, command).run();
        assertThat(result.exitCode()).as("ssh: %s", result.stderr()).isZero();
        return result.stdoutText();
    }

    private static String echo(OutputStream to, BufferedReader from, String line) throws Exception {
        to.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        to.flush();
        return from.readLine();
    }

    private static ApiClient api(ConfigurableApplicationContext node) {
        return new ApiClient(((WebServerApplicationContext) node).getWebServer().getPort());
    }

    private static String tunnelAddress(ConfigurableApplicationContext node) {
        return "127.0.0.1:" + node.getBean(TunnelService.class).port();
    }

    private static List<String> sorted(String... addresses) {
        return List.of(addresses).stream().sorted().toList();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, PATIENCE, condition);
    }
}
