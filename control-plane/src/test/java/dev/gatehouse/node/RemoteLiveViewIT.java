package dev.gatehouse.node;

import static dev.gatehouse.node.NodeProcess.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.WholeGateways;
import dev.gatehouse.testkit.OpenSshClient;
import dev.gatehouse.testkit.OpenSshServer;
import dev.gatehouse.testkit.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The console's live view of a session held by a bastion node: the control plane asks the node (a watch order), the
 * node relays the terminal over its mutual-TLS line, and a watcher on the control plane sees the recent output, what
 * is typed after it connected, and the end. A relay nobody watches any more stops, and starts again for a new
 * watcher, also on another control plane sharing the database (the node relays to the one the watcher is on).
 * Watchers on both control planes at once each see the recent screen once and everything after it; a view of a
 * session whose node died is ended. The node's own meters are scraped from its {@code /metrics}.
 */
class RemoteLiveViewIT {

    private static final String ADMIN = NodeCluster.ADMIN;

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path work;

    private final TestDatabase database = TestDatabase.create();
    private NodeCluster cluster;
    private Process ssh;

    @AfterEach
    void stopAll() throws InterruptedException {
        if (ssh != null) {
            ssh.destroyForcibly();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aWatcherOnTheControlPlaneSeesASessionHeldByANode() throws Exception {
        cluster = new NodeCluster(work);
        // Two control planes on one database; the node is given the first one's URL.
        TestDatabase.Roles roles = database.ownerAndRuntimeRoles();
        Map<String, String> shared = Map.of("GATEHOUSE_DATABASE_URL", database.jdbcUrl(),
                "GATEHOUSE_DATABASE_USERNAME", roles.runtime(), "GATEHOUSE_DATABASE_PASSWORD", roles.runtimePassword(),
                "GATEHOUSE_DATABASE_OWNER_USERNAME", roles.owner(), "GATEHOUSE_DATABASE_OWNER_PASSWORD",
                roles.ownerPassword(), "GATEHOUSE_SECRETS_MASTER_KEY", WholeGateways.randomMasterKey(),
                "GATEHOUSE_DATABASE_FSYNC", "true"); // an external server's durability is its own
        Map<String, String> first = new java.util.HashMap<>(shared);
        first.put("GATEHOUSE_NODES_ADVERTISED_URL", "https://127.0.0.1:" + cluster.nodesPort());
        cluster.startControlPlane(first);
        ApiClient admin = cluster.admin();
        ApiClient other = cluster.startOtherControlPlane(shared);
        int sshPort = NodeCluster.port();
        int metricsPort = NodeCluster.port();
        NodeProcess node = cluster.startNode("node-a", sshPort, cluster.nodeToken(),
                Map.of("GATEHOUSE_NODE_METRICS_PORT", String.valueOf(metricsPort)));
        node.awaitLog("serving SSH on port " + sshPort);
        String nodeId = cluster.nodeId("node-a");

        try (OpenSshServer target = OpenSshServer.builder()
                .trustedUserCaKeys(admin.get("/api/v1/ca/ssh-user", ADMIN).body().strip()).start()) {
            NodeCluster.Engineer nina = cluster.allowOnto(target);
            Path config = nina.config();
            ssh = OpenSshClient.ssh().config(config).port(sshPort).arguments(nina.destination(), "cat").process()
                    .redirectError(work.resolve("ssh.err").toFile()).start();
            BufferedReader fromCat = new BufferedReader(new InputStreamReader(ssh.getInputStream(),
                    StandardCharsets.UTF_8));
            type("before-the-watcher");
            assertThat(fromCat.readLine()).isEqualTo("before-the-watcher");
            String session = NodeCluster.runningSessionOn(admin, nodeId);

            Watcher watcher = Watcher.open(admin, session);
            await("the watcher sees the recent output", () -> watcher.seen().contains("before-the-watcher"));
            assertThat(watcher.seen()).contains("\"type\":\"start\"");
            long typed = System.nanoTime();
            type("while-watched");
            assertThat(fromCat.readLine()).isEqualTo("while-watched");
            await("the watcher sees new output", () -> watcher.seen().contains("while-watched"));
            System.out.printf("live view through a node: output seen %d ms after it was typed%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - typed));
            JsonNode watched = admin.get("/api/v1/audit/events?type=session.watched", ADMIN).json().get("events")
                    .get(0);
            assertThat(watched.toString()).contains("session:" + session).contains(nodeId);

            // The node's own meters, scraped from it (it serves no other HTTP): the session, the evidence pipeline.
            String scraped = scrape(metricsPort);
            assertThat(scraped).contains("gatehouse_ssh_sessions_live 1.0")
                    .contains("gatehouse_ssh_sessions_started_total").contains("gatehouse_recording_spool_disk_bytes").contains("gatehouse_recording_upload_lag_seconds")
                    .contains("jvm_memory_used_bytes");

            // A second watcher that leaves: the node keeps relaying for the first; the session goes on.
            Watcher.open(admin, session).close();
            type("after-one-left");
            await("the first watcher still sees output", () -> watcher.seen().contains("after-one-left"));

            // Nobody watches any more: the node stops relaying. A new watcher, on the other control plane, starts it
            // again there, backlog first.
            watcher.close();
            node.awaitLog("live view of " + session + ": nobody watches any more; relay stopped");
            Watcher again = Watcher.open(other, session);
            await("a new watcher sees the recent output", () -> again.seen().contains("after-one-left"));

            // More watchers while one watches: another on the same control plane shares its relay (and sees the
            // backlog that control plane keeps), one on the first control plane gets a relay of its own. Nobody is
            // shown the recent screen twice, and everyone sees what comes next.
            Watcher sameSide = Watcher.open(other, session);
            Watcher firstSide = Watcher.open(admin, session);
            await("the later watchers see the recent output", () -> sameSide.seen().contains("after-one-left")
                    && firstSide.seen().contains("after-one-left"));
            type("all-three-see-this");
            assertThat(fromCat.readLine()).isEqualTo("after-one-left");
            assertThat(fromCat.readLine()).isEqualTo("all-three-see-this");
            for (Watcher each : java.util.List.of(again, sameSide, firstSide)) {
                await("every watcher sees new output", () -> each.seen().contains("all-three-see-this"));
            }
            Thread.sleep(1000); // a backlog sent again would arrive by now
            for (Watcher each : java.util.List.of(again, sameSide, firstSide)) {
                assertThat(count(each.seen(), "after-one-left")).as("the backlog, once: %s", each.seen()).isOne();
                assertThat(count(each.seen(), "all-three-see-this")).isOne();
            }

            ssh.getOutputStream().close();
            assertThat(ssh.waitFor(60, TimeUnit.SECONDS)).isTrue();
            for (Watcher each : java.util.List.of(again, sameSide, firstSide)) {
                assertThat(each.closed().get(30, TimeUnit.SECONDS)).as("the view ends with the session")
                        .startsWith("1000");
                assertThat(each.seen()).contains("\"type\":\"end\"");
            }

            // The node dies while someone watches a session it holds: the view is ended, not left frozen.
            ssh = OpenSshClient.ssh().config(config).port(sshPort).arguments(nina.destination(), "cat").process()
                    .redirectError(work.resolve("ssh2.err").toFile()).start();
            BufferedReader fromSecond = new BufferedReader(new InputStreamReader(ssh.getInputStream(),
                    StandardCharsets.UTF_8));
            type("second-session");
            assertThat(fromSecond.readLine()).isEqualTo("second-session");
            String second = NodeCluster.runningSessionOn(admin, nodeId);
            Watcher orphan = Watcher.open(other, second);
            await("the watcher sees the second session", () -> orphan.seen().contains("second-session"));
            node.kill();
            long killed = System.nanoTime();
            assertThat(orphan.closed().get(40, TimeUnit.SECONDS)).as("the view of a dead node's session ends")
                    .isNotNull();
            assertThat(orphan.seen()).contains("stopped relaying this session");
            System.out.printf("live view through a node: a dead node's view ended %d ms after the kill%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
        }
    }

    private static int count(String text, String part) {
        int found = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            found++;
        }
        return found;
    }

    private static String scrape(int port) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    private void type(String line) throws Exception {
        ssh.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        ssh.getOutputStream().flush();
    }

    /** A browser's live view socket, as the console opens it, with the admin's token; collects what it is sent. */
    private record Watcher(WebSocket socket, StringBuffer received, CompletableFuture<String> closed) {

        static Watcher open(ApiClient admin, String session) throws Exception {
            StringBuffer received = new StringBuffer();
            CompletableFuture<String> closed = new CompletableFuture<>();
            WebSocket.Listener listener = new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                    received.append(data);
                    socket.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
                    received.append(StandardCharsets.UTF_8.decode(data));
                    socket.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
                    closed.complete(status + " " + reason);
                    return null;
                }
            };
            URI uri = URI.create(admin.base().replaceFirst("^http", "ws") + "/api/v1/sessions/" + session + "/live");
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Authorization", "Bearer " + ADMIN).buildAsync(uri, listener).get(30, TimeUnit.SECONDS);
            return new Watcher(socket, received, closed);
        }

        String seen() {
            return received.toString();
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
    }
}
