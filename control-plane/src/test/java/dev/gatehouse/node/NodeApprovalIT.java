package dev.gatehouse.node;

import static dev.gatehouse.controlplane.ApiClient.expect;
import static dev.gatehouse.node.NodeProcess.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.ConsoleSignIn;
import dev.gatehouse.testkit.OpenSshClient;
import dev.gatehouse.testkit.OpenSshServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SSH logins approved in the browser through a bastion node ({@code --gatehouse.role=bastion}), with a control plane
 * and the node as separate processes and a real OpenSSH client and target: a person with no key runs {@code ssh}
 * through the node, which shows the link and code at the keyboard-interactive prompt and waits; the person approves
 * through the control plane's API (as the console does) and the login goes on; a denial ends it with the reason; and
 * a login waiting while the control plane restarts is still shown and approved after it is back (the pending
 * approval is in the database, and the node's long poll asks again); a client that gives up has its approval
 * withdrawn.
 */
class NodeApprovalIT {

    private static final String ADMIN = NodeCluster.ADMIN;
    private static final String PASSWORD = "approve-on-a-node-0123";
    /** The longest approval there is: a restart of the control plane under load must fit in it. */
    private static final Map<String, String> TTL = Map.of("GATEHOUSE_SSH_AUTH_APPROVALTTL", "10m");
    private static final Pattern CODE = Pattern.compile("code ([A-Z0-9]{4}-[A-Z0-9]{4})");

    /** The processes' logs stay when the test fails. */
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    void aKeylessLoginThroughANodeIsApprovedOrDeniedInTheBrowserAndWaitsThroughAControlPlaneRestart()
            throws Exception {
        try (NodeCluster cluster = new NodeCluster(work)) {
            approveThroughANode(cluster);
        }
    }

    private void approveThroughANode(NodeCluster cluster) throws Exception {
        cluster.startControlPlane(TTL);
        ApiClient admin = cluster.admin();
        int ssh = NodeCluster.port();
        NodeProcess node = cluster.startNode("node-b", ssh, cluster.nodeToken(), Map.of());
        node.awaitLog("serving SSH on port " + ssh);

        try (OpenSshServer target = OpenSshServer.builder()
                .trustedUserCaKeys(admin.get("/api/v1/ca/ssh-user", ADMIN).body().strip()).start()) {
            AccessFixture access = new AccessFixture(admin, ADMIN);
            String role = access.role("ops").logins(target.loginUser()).hostLabel("env", "lab").create();
            String person = access.person("kim").roles(role).password(PASSWORD).create();
            String host = access.host("web").address("127.0.0.1:" + target.port()).label("env", "lab").create();
            Path config = keylessConfig(admin.get("/api/v1/ca/ssh-host", ADMIN).body());
            String destination = person + "+" + target.loginUser() + "@" + host + "@127.0.0.1";

            // Approved: the login waits at the prompt, then goes on.
            Waiting approved = Waiting.start(work, config, ssh, destination, "echo approved-$((6*7))");
            String code = approved.code();
            ConsoleSignIn kim = ConsoleSignIn.of(admin, person, PASSWORD);
            ApiClient.Reply shown = kim.get("/api/v1/ssh-approvals/" + code);
            assertThat(shown.status()).as(shown.body()).isEqualTo(200);
            assertThat(shown.body()).contains("\"person\":\"" + person + "\"",
                    "\"target\":\"" + target.loginUser() + "@" + host + "\"",
                    "SSH-2.0-OpenSSH");
            Thread.sleep(1500);
            assertThat(approved.process().isAlive()).as("nothing goes on before the approval").isTrue();
            long at = System.nanoTime();
            expect(kim.post("/api/v1/ssh-approvals/" + code, "{\"decision\":\"approve\"}"), 200);
            assertThat(approved.finish()).as(approved.err()).isZero();
            System.out.printf("[approval] through a bastion node, from the approval to the command's end: %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - at));
            assertThat(approved.out()).isEqualTo("approved-42\n");

            // Denied: the client is told why.
            Waiting denied = Waiting.start(work, config, ssh, destination, "echo never");
            expect(kim.post("/api/v1/ssh-approvals/" + denied.code(), "{\"decision\":\"deny\",\"reason\":\"not me\"}"),
                    200);
            assertThat(denied.finish()).isNotZero();
            assertThat(denied.err()).contains("login refused: denied by " + person + " in the browser: not me");
            assertThat(denied.out()).isEmpty();

            // Waiting while the control plane restarts: the approval is still there, and approving it lets it on.
            Waiting survives = Waiting.start(work, config, ssh, destination, "echo after-the-restart");
            String survivingCode = survives.code();
            cluster.controlPlane().stop();
            cluster.startControlPlane(TTL);
            ConsoleSignIn again = ConsoleSignIn.of(admin, person, PASSWORD);
            assertThat(again.get("/api/v1/ssh-approvals/" + survivingCode).status()).isEqualTo(200);
            expect(again.post("/api/v1/ssh-approvals/" + survivingCode, "{\"decision\":\"approve\"}"), 200);
            assertThat(survives.finish()).as(survives.err()).isZero();
            assertThat(survives.out()).isEqualTo("after-the-restart\n");

            for (String type : List.of("ssh-approval.requested", "ssh-approval.approved")) {
                assertThat(admin.get("/api/v1/audit/events?type=" + type + "&actor=" + person, ADMIN).body()).as(type)
                        .contains("\"outcome\":\"success\"", "\"node\":\"" + cluster.nodeId("node-b") + "\"");
            }
            assertThat(admin.get("/api/v1/audit/events?type=ssh-approval.denied&actor=" + person, ADMIN).body())
                    .contains("not me");
            await("the node's logins are recorded as approved", () -> admin.get("/api/v1/audit/events?type=ssh.auth",
                    ADMIN).body().contains("approval"));

            // A client that gives up: the node withdraws its approval, which can no longer be answered.
            Waiting abandoned = Waiting.start(work, config, ssh, destination, "echo never");
            String abandonedCode = abandoned.code();
            abandoned.process().destroy();
            await("the abandoned login's approval is withdrawn", () -> admin.get("/api/v1/audit/events?type="
                    + "ssh-approval.withdrawn&actor=" + person, ADMIN).body().contains("the connection closed"));
            assertThat(again.post("/api/v1/ssh-approvals/" + abandonedCode, "{\"decision\":\"approve\"}").status())
                    .isEqualTo(404);
        }
    }

    /** An ssh_config with no key at all (a person with none registered) that trusts only the gateway's host CA. */
    private Path keylessConfig(String knownHostsLine) throws java.io.IOException {
        Path knownHosts = Files.writeString(work.resolve("known_hosts"), knownHostsLine.strip() + "\n");
        return Files.writeString(work.resolve("keyless_ssh_config"), String.join("\n", "Host *",
                "  PubkeyAuthentication no", "  IdentityAgent none", "  PasswordAuthentication no",
                "  KbdInteractiveAuthentication yes", "  BatchMode no", "  UserKnownHostsFile " + knownHosts,
                "  GlobalKnownHostsFile /dev/null", "  StrictHostKeyChecking yes", "  ConnectTimeout 20",
                "  LogLevel INFO", ""));
    }

    /**
     * An {@code ssh} with no terminal waiting at the approval prompt: keyboard-interactive with no question needs no
     * input, and OpenSSH writes the instruction (link and code) to its standard error.
     */
    private record Waiting(Process process, Path outFile, Path errFile) {

        static Waiting start(Path work, Path config, int port, String destination, String command) throws Exception {
            Path out = Files.createTempFile(work, "ssh", ".out");
            Path err = Files.createTempFile(work, "ssh", ".err");
            Process ssh = OpenSshClient.ssh().config(config).port(port)
                    .arguments(destination, command).process()
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            return new Waiting(ssh, out, err);
        }

        /** The code the client was shown. */
        String code() throws InterruptedException {
            await("the approval code at the prompt", () -> CODE.matcher(err()).find() || !process.isAlive());
            Matcher code = CODE.matcher(err());
            assertThat(code.find()).as("no code shown: %s", err()).isTrue();
            assertThat(err()).contains("/approve/" + code.group(1));
            return code.group(1);
        }

        int finish() throws InterruptedException {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("ssh still running after 120 s: " + err());
            }
            return process.exitValue();
        }

        String out() {
            return read(outFile);
        }

        String err() {
            return read(errFile);
        }

        private static String read(Path file) {
            try {
                return Files.readString(file);
            } catch (java.io.IOException e) {
                return "(unreadable: " + e.getMessage() + ")";
            }
        }
    }
}
