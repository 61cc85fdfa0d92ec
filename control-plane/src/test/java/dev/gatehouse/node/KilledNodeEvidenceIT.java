package dev.gatehouse.node;

import static dev.gatehouse.node.NodeProcess.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.testkit.OpenSshClient;
import dev.gatehouse.testkit.OpenSshServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A bastion node killed (SIGKILL) while its evidence waits on its disk: the control plane is away, a session's output
 * goes into the node's spool, the node dies. When the node is started again on the same data directory, what it had
 * spooled up to the kill reaches the control plane: nothing of the session is lost with the process.
 */
class KilledNodeEvidenceIT {

    private static final String ADMIN = NodeCluster.ADMIN;

    @TempDir
    Path work;

    private NodeCluster cluster;
    private Process client;

    @AfterEach
    void stopAll() throws InterruptedException {
        if (client != null) {
            client.destroyForcibly();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void evidenceSpooledBeforeTheKillArrivesWhenTheNodeIsBack() throws Exception {
        cluster = new NodeCluster(work);
        cluster.startControlPlane(Map.of());
        ApiClient admin = cluster.admin();
        int sshPort = NodeCluster.port();
        NodeProcess node = cluster.startNode("node-a", sshPort, cluster.nodeToken(), Map.of())
                .awaitLog("serving SSH on port " + sshPort);
        Path nodeDir = work.resolve("node-a");

        try (OpenSshServer target = OpenSshServer.builder()
                .trustedUserCaKeys(admin.get("/api/v1/ca/ssh-user", ADMIN).body().strip()).start()) {
            NodeCluster.Engineer nina = cluster.allowOnto(target);
            client = OpenSshClient.ssh().config(nina.config()).port(sshPort).arguments(nina.destination(), "cat").process()
                    .redirectError(work.resolve("ssh.err").toFile()).start();
            BufferedReader from = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(echo(from, "before-the-outage")).isEqualTo("before-the-outage");
            await("the session listed running", () -> admin.get("/api/v1/sessions?status=running", ADMIN).json()
                    .get("sessions").size() == 1);
            String sessionId = admin.get("/api/v1/sessions?status=running", ADMIN).json().get("sessions").get(0)
                    .get("sessionId").asString();

            // The control plane goes away; the session's output now waits in the node's spool; the node is killed.
            cluster.controlPlane().stop();
            assertThat(echo(from, "spooled-before-the-kill")).isEqualTo("spooled-before-the-kill");
            await("the output waits in the node's spool", () -> NodeCluster.spooled(nodeDir));
            node.kill();

            // The control plane is back, the node is not: the spooled output is not there yet.
            cluster.startControlPlane(Map.of());
            assertThat(holds(recording(admin, sessionId), "spooled-before-the-kill"))
                    .as("the spooled output is still only on the dead node's disk").isFalse();

            // The node starts again on its data directory (enrolled: no token needed) and hands in what it spooled.
            cluster.startNode("node-a", sshPort, "gh_node_not-needed-once-enrolled", Map.of())
                    .awaitLog("serving SSH on port " + sshPort);
            await("the spooled output arrives from the restarted node", () -> holds(recording(admin, sessionId),
                    "spooled-before-the-kill"));
            assertThat(holds(recording(admin, sessionId), "before-the-outage")).as("the output before the outage")
                    .isTrue();
            await("the killed session is no longer listed running", () -> !"running".equals(status(admin, sessionId)));
        }
    }

    private String echo(BufferedReader from, String line) throws IOException {
        OutputStream to = client.getOutputStream();
        to.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        to.flush();
        return from.readLine();
    }

    /** The session's recording as the API serves it, or "" while it cannot be read. */
    private static String recording(ApiClient admin, String sessionId) {
        ApiClient.Reply reply = admin.get("/api/v1/sessions/" + sessionId + "/recording", ADMIN);
        return reply.status() == 200 ? reply.body() : "";
    }

    /** Whether a recording holds the line {@code text} sent through {@code cat}, as raw text or as a base64 frame. */
    private static boolean holds(String recording, String text) {
        byte[] line = (text + "\n").getBytes(StandardCharsets.UTF_8);
        return recording.contains(text) || recording.contains(Base64.getEncoder().encodeToString(line));
    }

    private static String status(ApiClient admin, String sessionId) {
        for (JsonNode session : admin.get("/api/v1/sessions", ADMIN).json().get("sessions")) {
            if (session.get("sessionId").asString().equals(sessionId)) {
                return session.get("status").asString();
            }
        }
        return "";
    }
}
