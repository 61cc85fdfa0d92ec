package dev.gatehouse.node;

import static dev.gatehouse.controlplane.ApiClient.expect;
import static dev.gatehouse.node.NodeProcess.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.pki.x509.Pem;
import dev.gatehouse.testkit.OpenSshClient;
import dev.gatehouse.testkit.BreakableLink;
import dev.gatehouse.testkit.OpenSshServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A control plane and two bastion nodes as separate processes on loopback, started as the README's "Running several
 * nodes" says, with a real OpenSSH target: each node enrols with a one-time node token, serves SSH with decisions and
 * certificates from the control plane, and sends its evidence there; a node's data directory holds no CA private key
 * and no database credential; a session through a node goes on while the control plane is away, its evidence waits on
 * the node's disk and arrives when the control plane is back; a revocation ends a live session on a node. Across
 * nodes: the API terminates a session held by a node as a local terminate would, audited with who asked; a shell asked
 * for on one node while the person's detached session for that login and host is kept by the other is refused with a
 * line naming that node (audited), a fresh shell ({@code login+new}) is still given, and the node that keeps it
 * re-attaches it.
 */
class BastionNodesIT {

    private static final String ADMIN = NodeCluster.ADMIN;

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // the nodes' logs stay when it fails
    Path work;

    private NodeCluster cluster;

    @AfterEach
    void stopAll() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void twoBastionNodesServeSshFromTheControlPlaneKeepNoSecretsSpoolEvidenceAndEndRevokedSessions() throws Exception {
        cluster = new NodeCluster(work);
        startControlPlane();
        ApiClient admin = cluster.admin();
        int sshA = port();
        int sshB = port();
        String tokenA = nodeToken(admin);
        NodeProcess nodeA = startNode("node-a", sshA, tokenA);
        NodeProcess nodeB = startNode("node-b", sshB, nodeToken(admin));
        nodeA.awaitLog("serving SSH on port " + sshA);
        nodeB.awaitLog("serving SSH on port " + sshB);
        NodeProcess again = startNode("node-c", port(), tokenA);
        again.awaitLog("node token unknown, already used, revoked or expired");
        assertThat(again.stop()).as("a used token enrols no second node").isNotZero();
        assertThat(nodePortWithoutCertificate(admin)).isEqualTo(403);
        await("the refusal on the node port is audited", () -> admin.get("/api/v1/audit/events?type=node.refused",
                ADMIN).body().contains("no client certificate"));

        assertNoSecretsIn(work.resolve("node-a"));
        assertNoSecretsIn(work.resolve("node-b"));
        assertThat(admin.post("/api/v1/node-tokens", ADMIN, "{\"role\":\"bastion\",\"ttlSeconds\":600}").status())
                .isEqualTo(201);

        try (OpenSshServer target = OpenSshServer.builder()
                .trustedUserCaKeys(admin.get("/api/v1/ca/ssh-user", ADMIN).body().strip()).start()) {
            NodeCluster.Engineer nina = cluster.allowOnto(target);
            Path config = nina.config();
            String destination = nina.destination();

            assertThat(ssh(config, sshA, destination, "echo via-a")).isEqualTo("via-a\n");
            assertThat(ssh(config, sshB, destination, "echo via-b")).isEqualTo("via-b\n");
            await("both sessions recorded at the control plane", () -> endedSessions(admin) == 2);

            // The control plane goes away during a session on node A: the session goes on, new sessions are refused
            // saying why, and the evidence waits on node A's disk until the control plane is back.
            Path liveErr = work.resolve("live.err");
            Process live = OpenSshClient.ssh().config(config).port(sshA)
                    .arguments(destination, "cat").process().redirectError(liveErr.toFile()).start();
            BufferedReader fromLive = new BufferedReader(new InputStreamReader(live.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(echo(live.getOutputStream(), fromLive, "before-the-outage")).isEqualTo("before-the-outage");
            cluster.controlPlane().stop();
            assertThat(echo(live.getOutputStream(), fromLive, "during-the-outage")).as(Files.readString(liveErr))
                    .isEqualTo("during-the-outage");
            NodeCluster.SshResult refused = run(config, sshB, destination, "echo refused");
            assertThat(refused.exit()).isNotZero();
            // Refused before login (the banner) or, when the node still holds a grant from the last 5 s, at the target
            // login, whose certificate only the control plane signs: either way the engineer is told why.
            assertThat(refused.err()).containsAnyOf("gatehouse: the control plane cannot be reached",
                    "failed: the control plane at ");
            live.getOutputStream().close();
            assertThat(live.waitFor(60, TimeUnit.SECONDS)).isTrue();
            await("node A keeps the session's evidence on its disk", () -> spooled(work.resolve("node-a")));

            startControlPlane();
            await("the session from the outage arrives once the control plane is back",
                    () -> endedSessions(admin) == 3);
            String recording = admin.get("/api/v1/sessions/" + newestSession(admin) + "/recording", ADMIN).body();
            // Playback gives an exec session's streams as base64 lines (they may be binary).
            assertThat(recording).contains(base64("before-the-outage\n")).contains(base64("during-the-outage\n"));
            expect(admin.post("/api/v1/audit/verify", ADMIN, null), 202);
            await("the verification run finishes", () -> admin.get("/api/v1/audit/verify", ADMIN).json().get("state")
                    .asString().equals("done"));
            JsonNode verified = admin.get("/api/v1/audit/verify", ADMIN).json();
            assertThat(verified.get("ok").asBoolean()).as("the nodes' recordings verify: %s", verified).isTrue();

            // A revocation reaches a live session on a node: disabling the person ends it, saying so.
            Path revokedErr = work.resolve("revoked.err");
            Process revoked = OpenSshClient.ssh().config(config).port(sshB)
                    .arguments(destination, "cat").process().redirectError(revokedErr.toFile()).start();
            BufferedReader fromRevoked = new BufferedReader(new InputStreamReader(revoked.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(echo(revoked.getOutputStream(), fromRevoked, "still-allowed")).isEqualTo("still-allowed");
            expect(admin.put("/api/v1/users/" + nina.person(), ADMIN, "{\"roles\":[\"" + nina.role()
                    + "\"],\"disabled\":true}"), 200);
            assertThat(revoked.waitFor(60, TimeUnit.SECONDS)).as("the session on node B ended").isTrue();
            assertThat(Files.readString(revokedErr)).contains("disabled");

            expect(admin.put("/api/v1/users/" + nina.person(), ADMIN, "{\"roles\":[\"" + nina.role()
                    + "\"],\"disabled\":false}"), 200);
            acrossNodes(admin, nina, sshA, sshB, nodeA, nodeB);
        }
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES) // three processes start first: over 2 minutes on a loaded machine
    void terminateReachesTheHoldingNodeAReconnectElsewhereIsToldWhereItsSessionIsAndARevokedNodeEndsItsSessions() throws Exception {
        cluster = new NodeCluster(work);
        cluster.startControlPlane(Map.of());
        ApiClient admin = cluster.admin();
        int sshA = NodeCluster.port();
        int sshB = NodeCluster.port();
        NodeProcess nodeA = cluster.startNode("node-a", sshA, cluster.nodeToken(), Map.of());
        NodeProcess nodeB = cluster.startNode("node-b", sshB, cluster.nodeToken(), Map.of());
        nodeA.awaitLog("serving SSH on port " + sshA);
        nodeB.awaitLog("serving SSH on port " + sshB);
        String idA = cluster.nodeId("node-a");
        String idB = cluster.nodeId("node-b");

        try (OpenSshServer target = OpenSshServer.builder()
                .trustedUserCaKeys(admin.get("/api/v1/ca/ssh-user", ADMIN).body().strip()).start()) {
            NodeCluster.Engineer nina = cluster.allowOnto(target);
            Path config = nina.config();
            String destination = nina.destination();

            // A live session on node B, terminated through the control plane's API.
            Path catErr = work.resolve("cat.err");
            Process cat = OpenSshClient.ssh().config(config).port(sshB)
                    .arguments(destination, "cat").process().redirectError(catErr.toFile()).start();
            BufferedReader fromCat = new BufferedReader(new InputStreamReader(cat.getInputStream(),
                    StandardCharsets.UTF_8));
            cat.getOutputStream().write("up\n".getBytes(StandardCharsets.UTF_8));
            cat.getOutputStream().flush();
            assertThat(fromCat.readLine()).as("%s", Files.readString(catErr)).isEqualTo("up");
            String onB = NodeCluster.runningSessionOn(admin, idB);
            long asked = System.nanoTime();
            ApiClient.Reply terminated = admin.post("/api/v1/sessions/" + onB + "/terminate", ADMIN,
                    "{\"reason\":\"incident 42: stop now\"}");
            assertThat(terminated.status()).as(terminated.body()).isEqualTo(200);
            assertThat(terminated.json().get("node").asString()).isEqualTo(idB);
            assertThat(cat.waitFor(30, TimeUnit.SECONDS)).as("the session on node B ended").isTrue();
            System.out.printf("terminate of a session on another node: ssh ended %d ms after the API call%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked));
            assertThat(Files.readString(catErr)).contains("gatehouse: incident 42: stop now");
            String admins = actorOf(admin, "user.created");
            await("the terminate is audited with who asked", () -> {
                JsonNode event = newest(admin, "session.terminated");
                return event != null && event.get("target").asString().equals("session:" + onB)
                        && event.get("actor").asString().equals(admins)
                        && event.toString().contains("incident 42: stop now");
            });
            assertThat(admin.post("/api/v1/sessions/" + onB + "/terminate", ADMIN, null).status())
                    .as("a session no longer live").isEqualTo(409);

            // A command on node A whose connection breaks is kept there for re-attach.
            try (BreakableLink link = BreakableLink.to(sshA)) {
                Process kept = OpenSshClient.ssh().config(config).port(link.port())
                        .arguments(destination, "echo started; sleep 600").process()
                        .redirectError(work.resolve("kept.err").toFile())
                        .start();
                // Cut once the command runs (its output came back), not while the node still logs in to the target.
                assertThat(new BufferedReader(new InputStreamReader(kept.getInputStream(), StandardCharsets.UTF_8))
                        .readLine()).isEqualTo("started");
                String onA = NodeCluster.runningSessionOn(admin, idA);
                link.cut();
                kept.waitFor(30, TimeUnit.SECONDS);
                await("the control plane lists the session detached", () -> admin.get("/api/v1/sessions/" + onA,
                        ADMIN).json().get("session").get("status").asString().equals("detached"));
            }
            NodeCluster.SshResult elsewhere = NodeCluster.ssh(config, sshB, destination, null);
            assertThat(elsewhere.exit()).as(elsewhere.err()).isEqualTo(255);
            assertThat(elsewhere.err()).contains("gatehouse: your detached session on " + destination.replace(
                    "@127.0.0.1", "") + " from ").contains(" is held by gateway node " + idA + ";")
                    .contains("fresh shell with " + target.loginUser() + "+new@" + nina.host());
            await("the refusal is audited", () -> {
                JsonNode event = newest(admin, "ssh.reattach.denied");
                return event != null && event.toString().contains("held by gateway node " + idA);
            });
            NodeCluster.SshResult fresh = NodeCluster.ssh(config, sshB,
                    target.loginUser() + "+new@" + nina.host() + "@127.0.0.1", null);
            assertThat(fresh.exit()).as("a fresh shell is still given: %s", fresh.err()).isZero();

            // On node A itself the same plain ssh re-attaches to the command (which still runs: the ssh stays).
            Path back = work.resolve("back.err");
            Process again = OpenSshClient.ssh().config(config).port(sshA).arguments(destination).process()
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(back.toFile()).start();
            try {
                await("the re-attach greeting", () -> readOrEmpty(back).contains(
                        "gatehouse: re-attached to your session from "));
                assertThat(again.isAlive()).as("attached to the running command: %s", readOrEmpty(back)).isTrue();
            } finally {
                again.destroy();
            }

            revokedNodeEndsItsSessions(admin, config, destination, sshB, nodeB, idB);
        }
    }

    /**
     * An admin revokes node B (a lost machine): its live session ends within seconds saying why, its SSH port closes,
     * the session is marked interrupted, and the node's refused calls cost one audit event, not one each.
     */
    private void revokedNodeEndsItsSessions(ApiClient admin, Path config, String destination, int sshB,
            NodeProcess nodeB, String idB) throws Exception {
        Live onB = live(config, sshB, destination, "on-b-before-revocation");
        String session = NodeCluster.runningSessionOn(admin, idB);
        long asked = System.nanoTime();
        expect(admin.delete("/api/v1/nodes/" + idB, ADMIN), 204);
        assertThat(onB.ssh().waitFor(30, TimeUnit.SECONDS)).as("the session on the revoked node ended").isTrue();
        System.out.printf("node revoked: its session ended %d ms after the API call%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked));
        assertThat(Files.readString(onB.err())).contains("gatehouse: this gateway node was revoked by an admin");
        nodeB.awaitLog("the control plane no longer admits this node");
        NodeCluster.SshResult refused = run(config, sshB, destination, "echo after-revocation");
        assertThat(refused.exit()).as("a new login on the revoked node").isNotZero();
        assertThat(refused.err()).as("its SSH port is closed").contains("Connection refused");
        await("the session is marked interrupted", () -> admin.get("/api/v1/sessions/" + session, ADMIN).json()
                .get("session").get("status").asString().equals("interrupted"));
        JsonNode listed = null;
        for (JsonNode node : admin.get("/api/v1/nodes", ADMIN).json()) {
            listed = node.get("name").asString().equals(idB) ? node : listed;
        }
        assertThat(listed).isNotNull();
        assertThat(listed.get("revoked").asBoolean()).isTrue();
        assertThat(listed.get("sessions").asLong()).isZero();
        Thread.sleep(NodeHeartbeat.PERIOD.toMillis() * 2); // two more heartbeats refused
        JsonNode refusals = admin.get("/api/v1/audit/events?type=node.refused&actor=node:" + idB, ADMIN).json()
                .get("events");
        long minutes = TimeUnit.NANOSECONDS.toMinutes(System.nanoTime() - asked);
        assertThat(refusals.size()).as("one audit event per minute for a node that goes on calling")
                .isBetween(1, 1 + (int) minutes);
        assertThat(admin.get("/api/v1/audit/events?type=node.revoked", ADMIN).body()).contains("node:" + idB);
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static JsonNode newest(ApiClient admin, String type) {
        JsonNode events = admin.get("/api/v1/audit/events?type=" + type, ADMIN).json();
        JsonNode list = events.isArray() ? events : events.get("events");
        return list == null || list.isEmpty() ? null : list.get(0);
    }

    private static String actorOf(ApiClient admin, String type) {
        JsonNode event = newest(admin, type);
        assertThat(event).as("an event %s", type).isNotNull();
        return event.get("actor").asString();
    }

    /** A live {@code cat} session through the node on {@code port}, echoing once to show it is up. */
    private record Live(Process ssh, BufferedReader out, Path err) {
        String echo(String line) throws Exception {
            return BastionNodesIT.echo(ssh.getOutputStream(), out, line);
        }

        boolean end() throws Exception {
            ssh.getOutputStream().close();
            return ssh.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private Live live(Path config, int port, String destination, String name) throws Exception {
        Path err = work.resolve(name + ".err");
        Process ssh = OpenSshClient.ssh().config(config).port(port).arguments(destination, "cat").process()
                .redirectError(err.toFile()).start();
        Live live = new Live(ssh, new BufferedReader(new InputStreamReader(ssh.getInputStream(),
                StandardCharsets.UTF_8)), err);
        String echoed = live.echo(name);
        assertThat(echoed).as("%s: %s", name, Files.readString(err)).isEqualTo(name);
        return live;
    }

    /**
     * Across nodes: the limit of 2 sessions per person counts both nodes (two on A, a third through B is refused
     * saying why, and audited); sessions are listed with their node; node A killed mid-session: its sessions are
     * marked interrupted, node B's go on, and A's slots are freed; node B told to stop drains its live session.
     */
    private void acrossNodes(ApiClient admin, NodeCluster.Engineer nina, int sshA, int sshB, NodeProcess nodeA,
            NodeProcess nodeB) throws Exception {
        Path config = nina.config();
        String destination = nina.destination();
        String idA = Files.readString(work.resolve("node-a").resolve("node-id")).strip();
        String idB = Files.readString(work.resolve("node-b").resolve("node-id")).strip();
        // A node gives an ended session's slot back in the background (a session's end does not wait on the network).
        await("the nodes hold no slots of the sessions that ended", () -> {
            long held = 0;
            for (JsonNode node : admin.get("/api/v1/nodes", ADMIN).json()) {
                held += node.get("sessions").asLong();
            }
            return held == 0;
        });
        Live onA = live(config, sshA, destination, "on-a");
        Live secondOnA = live(config, sshA, destination, "second-on-a");
        NodeCluster.SshResult third = run(config, sshB, destination, "echo third");
        assertThat(third.exit()).as("a third session through the other node").isNotZero();
        assertThat(third.err()).contains("too many concurrent sessions: " + nina.person()
                + " has 2 running across the gateway nodes");
        await("the refusal is audited", () -> admin.get("/api/v1/audit/events?type=ssh.login.denied", ADMIN).body()
                .contains("too many concurrent sessions: " + nina.person() + " has 2"));

        assertThat(secondOnA.end()).isTrue();
        Live onB = live(config, sshB, destination, "on-b");
        await("both sessions listed running, each with its node", () -> runningNodes(admin).equals(List.of(idA, idB)
                .stream().sorted().toList()));

        // Node A dies without a goodbye: its session is marked interrupted, node B's goes on, A's slot is freed.
        nodeA.kill();
        await("the killed node's session is marked interrupted", () -> hasSessionWithStatus(admin, idA,
                "interrupted"));
        assertThat(onB.echo("after-the-kill")).isEqualTo("after-the-kill");
        assertThat(ssh(config, sshB, destination, "echo slot-freed")).as("node A's slot no longer counts")
                .isEqualTo("slot-freed\n");
        await("node B's live session the only one running", () -> runningNodes(admin).equals(List.of(idB)));
        onA.ssh().destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        // Node B told to stop (SIGTERM) with a session live: new sessions are refused saying so, the live one goes on,
        // and the node exits once it has ended, its end recorded (not left to be marked interrupted).
        nodeB.terminate();
        nodeB.awaitLog("SSH bastion stopping: new connections refused, waiting up to");
        NodeCluster.SshResult draining = run(config, sshB, destination, "echo while-draining");
        assertThat(draining.exit()).isNotZero();
        assertThat(draining.err()).contains("this node is stopping");
        assertThat(onB.echo("during-the-drain")).isEqualTo("during-the-drain");
        assertThat(nodeB.alive()).as("node B waits for its live session").isTrue();
        assertThat(onB.end()).isTrue();
        nodeB.stop();
        await("the drained session is recorded ended", () -> runningNodes(admin).isEmpty());
        assertThat(hasSessionWithStatus(admin, idB, "interrupted")).isFalse();
    }

    private static List<String> runningNodes(ApiClient admin) {
        List<String> running = new java.util.ArrayList<>();
        for (JsonNode session : admin.get("/api/v1/sessions?status=running", ADMIN).json().get("sessions")) {
            running.add(session.get("node").asString());
        }
        return running.stream().sorted().toList();
    }

    private static boolean hasSessionWithStatus(ApiClient admin, String node, String status) {
        for (JsonNode session : admin.get("/api/v1/sessions?status=" + status, ADMIN).json().get("sessions")) {
            if (session.get("node").asString().equals(node)) {
                return true;
            }
        }
        return false;
    }

    private void startControlPlane() throws Exception {
        cluster.startControlPlane(Map.of("GATEHOUSE_SSH_MAX_SESSIONS_PER_USER", "2"));
    }

    private NodeProcess startNode(String name, int sshPort, String token) throws Exception {
        return cluster.startNode(name, sshPort, token, Map.of());
    }

    /** A caller with no node certificate (not enrolled, or anyone else) asking the node port for a decision. */
    private int nodePortWithoutCertificate(ApiClient admin) throws Exception {
        X509Certificate ca = Pem.certificate(admin.get("/api/v1/ca/x509", ADMIN).body());
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        tls.init(null, dev.gatehouse.pki.x509.TlsIdentity.trusting(ca).getTrustManagers(), null);
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(tls).build()) {
            java.net.URI authenticate = java.net.URI.create("https://127.0.0.1:" + cluster.nodesPort()
                    + "/node/v1/authenticate");
            return client.send(java.net.http.HttpRequest.newBuilder(authenticate)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
        }
    }

    private String nodeToken(ApiClient admin) {
        return cluster.nodeToken();
    }

    /**
     * What a node keeps: its own client key and certificate (not a CA), the CA certificate, its recording key and
     * SSH host key; no master key, no database password file, no database, and none of the control plane's passwords.
     */
    private void assertNoSecretsIn(Path dataDir) throws Exception {
        List<String> passwords = Files.readAllLines(work.resolve("control-plane").resolve("postgres.passwords"))
                .stream().filter(line -> line.contains("=")).map(line -> line.substring(line.indexOf('=') + 1).strip())
                .filter(secret -> secret.length() >= 16).toList();
        assertThat(passwords).as("the control plane's database passwords, to look for").isNotEmpty();
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = dataDir.relativize(file).toString();
                assertThat(name).doesNotContain("master.key").doesNotContain("postgres").doesNotContain("password");
                String content = Files.readString(file, StandardCharsets.ISO_8859_1);
                for (String password : passwords) {
                    assertThat(content).as(name).doesNotContain(password);
                }
                if (content.contains("PRIVATE KEY")) {
                    assertThat(name).isIn("node/client-key.pem", "ssh/ssh_host_ecdsa_key")
                            .as("the only private keys a node holds are its own");
                }
            }
        }
        X509Certificate own = Pem.certificates(Files.readString(dataDir.resolve("node/client.pem"))).getFirst();
        assertThat(own.getBasicConstraints()).as("the node's certificate is no CA").isEqualTo(-1);
        assertThat(own.getSubjectX500Principal().getName()).startsWith("CN=bastion:");
    }

    private static boolean spooled(Path dataDir) {
        try (Stream<Path> files = Files.walk(dataDir.resolve("spool"))) {
            return files.anyMatch(file -> file.getFileName().toString().startsWith("journal") && file.toFile()
                    .length() > 0);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static int endedSessions(ApiClient admin) {
        int ended = 0;
        for (JsonNode session : admin.get("/api/v1/sessions", ADMIN).json().get("sessions")) {
            ended += session.get("status").asString().equals("ended") ? 1 : 0;
        }
        return ended;
    }

    private static String newestSession(ApiClient admin) {
        return admin.get("/api/v1/sessions", ADMIN).json().get("sessions").get(0).get("sessionId").asString();
    }

    private NodeCluster.SshResult run(Path config, int port, String destination, String command) throws Exception {
        return NodeCluster.ssh(config, port, destination, command);
    }

    private String ssh(Path config, int port, String destination, String command) throws Exception {
        NodeCluster.SshResult result = run(config, port, destination, command);
        assertThat(result.exit()).as("ssh: %s", result.err()).isZero();
        return result.out();
    }

    private static String echo(OutputStream to, BufferedReader from, String line) throws Exception {
        to.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        to.flush();
        return from.readLine();
    }

    private static String base64(String text) {
        return java.util.Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static int port() {
        return NodeCluster.port();
    }
}
