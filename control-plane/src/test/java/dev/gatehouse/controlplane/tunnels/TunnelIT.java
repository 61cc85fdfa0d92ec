package dev.gatehouse.controlplane.tunnels;

import static dev.gatehouse.controlplane.ApiClient.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.agent.AgentCommand;
import dev.gatehouse.agent.config.AgentConfigFile;
import dev.gatehouse.agent.enroll.AgentState;
import dev.gatehouse.agent.enroll.Enroller;
import dev.gatehouse.agent.tunnel.AgentCredentials;
import dev.gatehouse.agent.tunnel.TunnelAgent;
import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.controlplane.bastion.BastionService;
import dev.gatehouse.pki.x509.Pem;
import dev.gatehouse.testkit.CommandResult;
import dev.gatehouse.testkit.OpenSshClient;
import dev.gatehouse.testkit.SshClientConfig;
import dev.gatehouse.testkit.Await;
import dev.gatehouse.testkit.OpenSshServer;
import dev.gatehouse.testkit.SshKeyFiles;
import dev.gatehouse.testkit.SshKeys;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A private network as an admin sets it up: network, join token and hosts through the API, a real agent that joins
 * through its command line with the CA from {@code GET /ca/x509} and allows only one target, and the real {@code ssh}
 * reaching a real sshd in that network through the in-process bastion and the agent's tunnel.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TunnelIT extends GatehouseTestApplication {

    @Autowired
    BastionService bastion;

    @Autowired
    TunnelService tunnels;

    @Autowired
    JdbcClient jdbc;

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private ApiClient admin;
    private OpenSshServer target;
    private Path work;
    private Path sshConfig;
    private String login;
    private String network;
    private String team;
    private String privateHost;
    private String outsideHost;
    private TunnelAgent agent;

    @BeforeAll
    void privateNetworkWithAnAgent() throws Exception {
        admin = new ApiClient(port);
        work = Files.createTempDirectory("gatehouse-tunnel-it-");
        target = OpenSshServer.builder().trustedUserCaKeys(admin.get("/api/v1/ca/ssh-user", ADMIN).body().strip())
                .start();
        cleanup.add(target);
        login = target.loginUser();
        network = unique("lab");
        team = unique("lab-ops");
        SshKeyFiles key = SshKeys.ed25519(work);
        expect(admin.post("/api/v1/networks", ADMIN, "{\"name\":\"" + network + "\",\"description\":\"lab\"}"), 201);
        // detachedSeconds 0: a killed ssh ends its stream at once (with a grace the target session, and so the
        // stream, would wait for a re-attach).
        String role = access().role("lab-ops").logins(login).hostLabel("team", team).detachedSeconds(0).create();
        access().person("eve").roles(role).key(key.publicKeyLine()).create();
        privateHost = host("db", network, target.port());
        outsideHost = host("other", network, freePort());

        agent = joinAndRun("edge-1", network, target.port());

        sshConfig = SshClientConfig.write(work.resolve("ssh_config"), key.privateKey(),
                admin.get("/api/v1/ca/ssh-host", ADMIN).body().strip());
    }

    @AfterAll
    void stopEverything() throws Exception {
        for (AutoCloseable closeable : cleanup.reversed()) {
            closeable.close();
        }
    }

    @Test
    void sshToAHostInThePrivateNetworkGoesThroughTheAgent() throws Exception {
        for (int i = 0; i < 5; i++) {
            CommandResult run = ssh(login + "@" + privateHost + "@127.0.0.1", "echo through-the-tunnel-" + i + "; exit 3");
            assertThat(run.stdoutText()).as(run.toString()).isEqualTo("through-the-tunnel-" + i + "\n");
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        }
    }

    @Test
    void agentsListShowsTheAgentConnectedWithVersionStreamsAndBytes() throws Exception {
        Process session = heldSession();
        long bytesWhileOpen;
        try {
            JsonNode listed = eventually("the agent's open stream is reported", () -> {
                JsonNode found = agentNamed("edge-1", network);
                JsonNode link = found == null || found.get("links").isEmpty() ? null : found.get("links").get(0);
                return link != null && link.get("openStreams").asInt() == 1 && link.get("bytesIn").asLong() > 0
                        ? found : null;
            });
            assertThat(listed.get("connected").asBoolean()).isTrue();
            assertThat(listed.get("version").asString()).isEqualTo("it-agent-1.0");
            JsonNode link = listed.get("links").get(0);
            assertThat(link.get("connected").asBoolean()).isTrue();
            assertThat(link.get("node").asString()).isEqualTo(tunnels.listener().nodeId());
            assertThat(link.get("remoteAddress").asString()).startsWith("127.0.0.1:");
            assertThat(link.get("bytesOut").asLong()).isPositive();
            assertThat(link.get("lastSeenAt").isNull()).isFalse();
            bytesWhileOpen = link.get("bytesIn").asLong();
        } finally {
            session.destroyForcibly();
        }
        JsonNode afterwards = eventually("the ended stream is reported", () -> {
            JsonNode link = agentNamed("edge-1", network).get("links").get(0);
            return link.get("openStreams").asInt() == 0 ? link : null;
        });
        assertThat(afterwards.get("bytesIn").asLong()).as("bytes of ended streams stay counted")
                .isGreaterThanOrEqualTo(bytesWhileOpen);
    }

    @Test
    void anIdleLinkIsNotRewrittenEachHeartbeatYetStaysConnectedAndSeen() throws Exception {
        String sql = "SELECT l.updated_at FROM agent_links l JOIN agents a ON a.id = l.agent_id"
                + " WHERE a.network = ? AND a.name = 'edge-1'";
        await("edge-1 reported idle", () -> agentNamed("edge-1", network).get("links").get(0).get("openStreams")
                .asInt() == 0);
        Thread.sleep(6_000); // a heartbeat, so the last change is written
        java.sql.Timestamp written = jdbc.sql(sql).param(network).query(java.sql.Timestamp.class).single();
        String seenBefore = agentNamed("edge-1", network).get("lastSeenAt").asString();

        Thread.sleep(11_000); // two more heartbeats with nothing happening on the link

        assertThat(jdbc.sql(sql).param(network).query(java.sql.Timestamp.class).single())
                .as("the idle link's row is not rewritten").isEqualTo(written);
        JsonNode listed = agentNamed("edge-1", network);
        assertThat(listed.get("connected").asBoolean()).isTrue();
        assertThat(listed.get("links").get(0).get("connected").asBoolean()).isTrue();
        assertThat(java.time.Instant.parse(listed.get("lastSeenAt").asString()))
                .as("seen at the node's heartbeat").isAfter(java.time.Instant.parse(seenBefore));
    }

    @Test
    void aServiceThatReadsLateHoldsTheForwardingClientBackAndGetsEveryByteInOrder() throws Exception {
        byte[] sent = new byte[64 << 20];
        ThreadLocalRandom.current().nextBytes(sent);
        try (ServerSocket service = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String fwdNetwork = unique("fwd");
            String fwdTeam = unique("fwd-ops");
            expect(admin.post("/api/v1/networks", ADMIN, "{\"name\":\"" + fwdNetwork + "\",\"description\":\"\"}"), 201);
            String serviceHost = access().host("licence").address("127.0.0.1:" + service.getLocalPort())
                    .label("team", fwdTeam).network(fwdNetwork).create();
            String fwdRole = access().role("fwd-ops").logins(login).hostLabel("team", fwdTeam)
                    .forwardDestinations(serviceHost + ":" + service.getLocalPort()).create();
            SshKeyFiles key = SshKeys.ed25519(Files.createDirectories(work.resolve("finn")));
            String person = access().person("finn").roles(fwdRole).key(key.publicKeyLine()).create();
            joinAndRun(unique("edge-fwd"), fwdNetwork, service.getLocalPort());

            // The service starts reading 2 s after it accepts: until then the whole path has to hold the client back.
            long[] readingFrom = new long[1];
            var received = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (Socket peer = service.accept()) {
                    Thread.sleep(2_000);
                    readingFrom[0] = System.nanoTime();
                    MessageDigest digest = MessageDigest.getInstance("SHA-256");
                    byte[] buffer = new byte[64 << 10];
                    long total = 0;
                    int n;
                    while ((n = peer.getInputStream().read(buffer)) >= 0) {
                        digest.update(buffer, 0, n);
                        total += n;
                    }
                    return total + " " + HexFormat.of().formatHex(digest.digest());
                } catch (Exception e) {
                    return "service failed: " + e;
                }
            });
            int localPort = freePort();
            Process forward = client().identity(key.privateKey()).option("ExitOnForwardFailure", "yes")
                    .flags("-N", "-L", "127.0.0.1:" + localPort + ":" + serviceHost + ":" + service.getLocalPort())
                    .arguments(person + "@127.0.0.1").process().redirectErrorStream(true).redirectOutput(work.resolve(person + "-forward.log").toFile()).start();
            long writtenAt;
            try (Socket client = connectWhenListening(localPort, forward)) {
                client.getOutputStream().write(sent);
                writtenAt = System.nanoTime();
                client.shutdownOutput();
                assertThat(received.get(60, TimeUnit.SECONDS))
                        .isEqualTo(sent.length + " " + HexFormat.of().formatHex(
                                MessageDigest.getInstance("SHA-256").digest(sent)));
            } finally {
                forward.destroy();
            }
            assertThat(writtenAt).as("the client's last write returned only after the service began to read "
                    + "(no unbounded buffering on the way)").isGreaterThan(readingFrom[0]);
        }
    }

    private Socket connectWhenListening(int localPort, Process forward) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            assertThat(forward.isAlive()).as("ssh -L exited").isTrue();
            try {
                return new Socket(InetAddress.getLoopbackAddress(), localPort);
            } catch (java.net.ConnectException notYet) {
                assertThat(System.nanoTime()).as("ssh -L never listened").isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }

    @Test
    void aHostOutsideTheAgentsAllowListIsRefusedWithTheReason() throws Exception {
        CommandResult run = ssh(login + "@" + outsideHost + "@127.0.0.1", "true");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("allow-list");
    }

    @Test
    void aNetworkWithoutAConnectedAgentIsRefusedNamingTheNetwork() throws Exception {
        String empty = unique("empty");
        expect(admin.post("/api/v1/networks", ADMIN, "{\"name\":\"" + empty + "\",\"description\":\"\"}"), 201);
        String host = host("lonely", empty, target.port());
        CommandResult run = ssh(login + "@" + host + "@127.0.0.1", "true");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("no agent of network '" + empty + "' is connected");
    }

    @Test
    void joinWithATokenOfAnotherNetworkIsRefusedAndTheTokenStaysUsable() throws Exception {
        String other = unique("other");
        expect(admin.post("/api/v1/networks", ADMIN, "{\"name\":\"" + other + "\",\"description\":\"\"}"), 201);
        String token = joinToken(other);
        assertThatThrownBy(() -> enroller().join(token, network, "sneaky"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("(403)").hasMessageContaining("join token is for another network");
        assertThat(enroller().join(token, other, "honest").chain().getFirst().getSubjectX500Principal().getName())
                .isEqualTo("CN=honest@" + other);
        assertThatThrownBy(() -> enroller().join(token, other, "again"))
                .hasMessageContaining("join token unknown, already used, revoked or expired");
        assertThat(admin.get("/api/v1/audit/events?type=agent.join", ADMIN).body())
                .contains("agent:sneaky@" + network).contains("join token is for another network");
    }

    @Test
    void revokingAnAgentEndsItsLiveSessionWithTheReasonAndRefusesItsNextLinkAndRenewal() throws Exception {
        String revokedNetwork = unique("branch");
        expect(admin.post("/api/v1/networks", ADMIN, "{\"name\":\"" + revokedNetwork + "\",\"description\":\"\"}"), 201);
        String host = host("branch-db", revokedNetwork, target.port());
        TunnelAgent doomed = joinAndRun("edge-2", revokedNetwork, target.port());
        CommandResult before = ssh(login + "@" + host + "@127.0.0.1", "echo before");
        assertThat(before.stdoutText()).as(before.toString()).isEqualTo("before\n");
        String id = agentNamed("edge-2", revokedNetwork).get("id").asString();
        Path liveErr = Files.createTempFile(work, "live", ".err");
        Process live = client().arguments(login + "@" + host + "@127.0.0.1", "echo started; sleep 120").process()
                .redirectError(liveErr.toFile()).start();
        cleanup.add(live::destroyForcibly);
        assertThat(new String(live.getInputStream().readNBytes(8), StandardCharsets.UTF_8)).isEqualTo("started\n");
        long refusedBefore = tunnels.listener().refusedConnections();

        ApiClient.Reply revoked = admin.delete("/api/v1/agents/" + id, ADMIN);
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(204);

        // The live session through the agent ends at once, and the user is told why.
        assertThat(live.waitFor(10, TimeUnit.SECONDS)).as("the live ssh session ended").isTrue();
        assertThat(live.exitValue()).isNotZero();
        assertThat(Files.readString(liveErr)).contains("edge-2@" + revokedNetwork + " was revoked");
        await("the revoked agent's link is closed and its reconnect refused",
                () -> tunnels.listener().refusedConnections() > refusedBefore
                        && tunnels.listener().healthyAgents(revokedNetwork).isEmpty());
        assertThat(agentNamed("edge-2", revokedNetwork)).as("GET /agents no longer lists it").isNull();
        CommandResult run = ssh(login + "@" + host + "@127.0.0.1", "echo after");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("no agent of network '" + revokedNetwork + "' is connected");
        AgentCredentials credentials = new AgentState(work.resolve("edge-2-state")).credentials();
        assertThatThrownBy(() -> enroller().renew(credentials.key(), credentials.chain()))
                .isInstanceOf(IOException.class);
        assertThat(admin.get("/api/v1/agents/" + id, ADMIN).status()).isEqualTo(404);
        assertThat(admin.get("/api/v1/audit/events?type=agent.revoked", ADMIN).body())
                .contains("agent:edge-2@" + revokedNetwork);
        // It keeps retrying with backoff: each attempt completes TLS (the agent counts that as up) and is then refused.
        await("the revoked agent's side shows no link between its refused attempts",
                () -> doomed.connectedGateways().isEmpty());
        // The other network's agent is untouched.
        assertThat(ssh(login + "@" + privateHost + "@127.0.0.1", "echo still-here").stdoutText()).isEqualTo("still-here\n");
    }

    @Test
    void aRenewalWhoseAnswerIsLostCanBeRetriedWithTheOldCertificate() throws Exception {
        Enroller.Issued joined = enroller().join(joinToken(network), network, unique("renewer"));
        // The gateway records this renewal, but say its answer never reaches the agent: it keeps the joined one.
        Enroller.Issued lost = enroller().renew(joined.keys().getPrivate(), joined.chain());

        Enroller.Issued retried = enroller().renew(joined.keys().getPrivate(), joined.chain());

        assertThat(retried.chain().getFirst().getSerialNumber())
                .isNotEqualTo(lost.chain().getFirst().getSerialNumber());
        // Once the agent renews with what it got, the certificates before it are no longer admitted.
        enroller().renew(retried.keys().getPrivate(), retried.chain());
        assertThatThrownBy(() -> enroller().renew(joined.keys().getPrivate(), joined.chain()))
                .isInstanceOf(IOException.class).hasMessageContaining("no longer admitted");
    }

    @Test
    void prometheusShowsTunnelMetricsMovedByThisTestsDials() throws Exception {
        String node = "node=\"" + tunnels.listener().nodeId() + "\"";
        // Other tests of this class dial through the same node: each figure is read as a change around these dials.
        String before = admin.get("/actuator/prometheus", ADMIN).body();
        double dialsOk = metric(before, "gatehouse_tunnel_dials_total", "outcome=\"ok\"");
        double refused = metric(before, "gatehouse_tunnel_dials_total", "outcome=\"refused_by_agent\"");
        double bytesIn = metric(before, "gatehouse_tunnel_bytes_total", "direction=\"in\"");
        double bytesOut = metric(before, "gatehouse_tunnel_bytes_total", "direction=\"out\"");

        CommandResult run = ssh(login + "@" + privateHost + "@127.0.0.1", "head -c 50000 /dev/zero | tr '\\0' x");
        assertThat(run.stdoutText()).as(run.exitCode() + " " + run.stderr()).hasSize(50_000);
        ssh(login + "@" + outsideHost + "@127.0.0.1", "true");
        Process open = heldSession();
        String during;
        try {
            during = eventually("the open stream is counted", () -> {
                String now = admin.get("/actuator/prometheus", ADMIN).body();
                return metric(now, "gatehouse_tunnel_streams_open", node) >= 1 ? now : null;
            });
        } finally {
            open.destroy();
            open.waitFor(30, TimeUnit.SECONDS);
        }

        assertThat(metric(during, "gatehouse_tunnel_agents_connected", node)).isGreaterThanOrEqualTo(1);
        assertThat(metric(during, "gatehouse_tunnel_links", node)).isGreaterThanOrEqualTo(1);
        assertThat(metric(during, "gatehouse_tunnel_links_accepted_total", node)).isGreaterThanOrEqualTo(1);
        assertThat(metric(during, "gatehouse_tunnel_dials_total", "outcome=\"ok\"")).isGreaterThanOrEqualTo(dialsOk + 2);
        assertThat(metric(during, "gatehouse_tunnel_dials_total", "outcome=\"refused_by_agent\""))
                .isGreaterThanOrEqualTo(refused + 1);
        assertThat(metric(during, "gatehouse_tunnel_bytes_total", "direction=\"in\"")).isGreaterThan(bytesIn + 50_000);
        assertThat(metric(during, "gatehouse_tunnel_bytes_total", "direction=\"out\"")).isGreaterThan(bytesOut);
    }

    /** A session to the private host holding its tunnel stream open for a minute, once its shell has started. */
    private Process heldSession() throws Exception {
        Process session = client().arguments(login + "@" + privateHost + "@127.0.0.1", "echo started; sleep 60")
                .process().redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(new String(session.getInputStream().readNBytes(8), StandardCharsets.UTF_8)).isEqualTo("started\n");
        return session;
    }

    /** The value of the first sample of {@code name} whose labels contain {@code label}. */
    private static double metric(String prometheus, String name, String label) {
        for (String line : prometheus.split("\n")) {
            if (line.startsWith(name + "{") && line.contains(label)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no sample of " + name + " with " + label + " in:\n" + prometheus);
    }

    /** Joins through the agent's command line, then runs its tunnels with an allow-list of one target port. */
    private TunnelAgent joinAndRun(String name, String agentNetwork, int allowedPort) throws Exception {
        Path tokenFile = Files.writeString(work.resolve(name + ".token"), joinToken(agentNetwork) + "\n");
        Path caFile = Files.writeString(work.resolve("gateway-ca.pem"), admin.get("/api/v1/ca/x509", ADMIN).body());
        Path state = work.resolve(name + "-state");
        int exit = AgentCommand.execute("join", "--gateway", gateway(), "--network", agentNetwork, "--name", name,
                "--token-file", tokenFile.toString(), "--gateway-ca", caFile.toString(), "--state-dir", state.toString());
        assertThat(exit).as("gatehouse-agent join exit status").isZero();
        Path conf = Files.writeString(work.resolve(name + ".conf"),
                "state-dir = " + state + "\nallow = 127.0.0.1:" + allowedPort + "\n");
        TunnelAgent running = new TunnelAgent(gateway(), AgentConfigFile.load(conf).settings(),
                new AgentState(state).credentials(), "it-agent-1.0");
        cleanup.add(running);
        running.start();
        await(name + " linked to the gateway", () -> tunnels.listener().healthyAgents(agentNetwork).contains(name));
        return running;
    }

    private String joinToken(String tokenNetwork) {
        ApiClient.Reply reply = admin.post("/api/v1/join-tokens", ADMIN,
                "{\"network\":\"" + tokenNetwork + "\",\"ttlSeconds\":600}");
        expect(reply, 201);
        return reply.json().get("token").asString();
    }

    private String host(String prefix, String hostNetwork, int hostPort) {
        return access().host(prefix).address("127.0.0.1:" + hostPort).label("team", team).network(hostNetwork).create();
    }

    private AccessFixture access() {
        return new AccessFixture(admin, ADMIN);
    }

    private JsonNode agentNamed(String name, String agentNetwork) {
        for (JsonNode listed : admin.get("/api/v1/agents", ADMIN).json()) {
            if (listed.get("name").asString().equals(name) && listed.get("network").asString().equals(agentNetwork)) {
                return listed;
            }
        }
        return null;
    }

    private Enroller enroller() throws Exception {
        List<X509Certificate> cas = Pem.certificates(admin.get("/api/v1/ca/x509", ADMIN).body());
        return new Enroller(gateway(), cas);
    }

    private String gateway() {
        return "127.0.0.1:" + tunnels.port();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, condition);
    }

    private static <T> T eventually(String what, Supplier<T> probe) throws InterruptedException {
        return Await.value(what, Await.PATIENCE, probe);
    }

    /** ssh through the bastion with the engineer's config file (connect timeout 20 s: dials cross the tunnel). */
    private OpenSshClient client() {
        return OpenSshClient.ssh().config(sshConfig).port(bastion.port()).option("ConnectTimeout", "20");
    }

    private CommandResult ssh(String destination, String command) {
        return client().arguments(destination, command).run();
    }
}
