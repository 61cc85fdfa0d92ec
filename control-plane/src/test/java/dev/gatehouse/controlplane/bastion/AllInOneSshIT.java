package dev.gatehouse.controlplane.bastion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.controlplane.evidence.AuditVerifyCommand;
import dev.gatehouse.testkit.OpenSshServer;
import dev.gatehouse.testkit.SshKeyFiles;
import dev.gatehouse.testkit.SshKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The all-in-one as an engineer meets it: the control plane's API sets up a person, a role and a host; a real sshd
 * trusts the user CA line from the API; the real {@code ssh} client reaches it through the in-process bastion in all
 * three ways, trusting only the host CA line from the API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AllInOneSshIT extends GatehouseTestApplication {

    @Autowired
    BastionService bastion;

    @Autowired
    AuditVerifyCommand verifyCommand;

    private OpenSshServer target;
    private Path work;
    private Path config;
    private String person;
    private String host;
    private String login;

    @BeforeAll
    void engineerAndTarget() throws Exception {
        ApiClient admin = new ApiClient(port);
        work = Files.createTempDirectory("gatehouse-allinone-");
        String userCa = admin.get("/api/v1/ca/ssh-user", ADMIN).body().strip();
        String hostCa = admin.get("/api/v1/ca/ssh-host", ADMIN).body().strip();
        target = OpenSshServer.builder().trustedUserCaKeys(userCa).start();
        login = target.loginUser();
        person = unique("alice");
        host = unique("web");
        String role = unique("ops");
        SshKeyFiles key = SshKeys.ed25519(work);

        expect(admin.post("/api/v1/roles", ADMIN, "{\"name\":\"" + role + "\",\"logins\":[\"" + login
                + "\"],\"hostLabels\":{\"team\":\"" + role + "\"}}"), 201);
        expect(admin.post("/api/v1/users", ADMIN, "{\"username\":\"" + person + "\",\"roles\":[\"" + role + "\"]}"), 201);
        expect(admin.post("/api/v1/users/" + person + "/keys", ADMIN,
                "{\"publicKey\":\"" + key.publicKeyLine() + "\"}"), 201);
        expect(admin.post("/api/v1/hosts", ADMIN, "{\"name\":\"" + host + "\",\"address\":\"127.0.0.1:" + target.port()
                + "\",\"labels\":{\"team\":\"" + role + "\"},\"network\":\"direct\"}"), 201);

        Path knownHosts = work.resolve("known_hosts");
        Files.writeString(knownHosts, hostCa + "\n");
        config = work.resolve("ssh_config");
        // A config file (not -o options) so that the ProxyJump's own ssh process uses the same identity and trust.
        Files.writeString(config, String.join("\n", "Host *", "  IdentityFile " + key.privateKey(),
                "  IdentitiesOnly yes", "  IdentityAgent none", "  UserKnownHostsFile " + knownHosts,
                "  GlobalKnownHostsFile /dev/null", "  StrictHostKeyChecking yes", "  BatchMode yes",
                "  ConnectTimeout 15", ""));
    }

    @AfterAll
    void stopTarget() {
        if (target != null) {
            target.close();
        }
    }

    @Test
    void loginAtHostInTheUserNameRunsTheCommandAndReturnsItsExitStatus() throws Exception {
        Run run = ssh("-p", String.valueOf(bastion.port()), login + "@" + host + "@127.0.0.1", "echo through-gatehouse; exit 7");
        assertThat(run.stdout()).isEqualTo("through-gatehouse\n");
        assertThat(run.exit()).as(run.stderr()).isEqualTo(7);
    }

    @Test
    void theBastionServesAgainAfterItsContextIsStoppedAndStarted() throws Exception {
        // Spring pauses cached contexts (and their lifecycle beans) and restarts them later; so does an operator.
        bastion.stop();
        bastion.start();
        Run run = ssh("-p", String.valueOf(bastion.port()), login + "@" + host + "@127.0.0.1", "echo restarted");
        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("restarted\n");
    }

    @Test
    void proxyJumpReachesTheTargetWithoutAHostKeyPrompt() throws Exception {
        Run run = ssh("-J", person + "@127.0.0.1:" + bastion.port(), login + "@" + host, "echo jumped");
        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("jumped\n");
    }

    @Test
    void personAtGatewayListsTheHostsAndLoginsThisPersonMayUse() throws Exception {
        Run run = ssh("-p", String.valueOf(bastion.port()), person + "@127.0.0.1");
        assertThat(run.stdout()).contains(host).contains(login);
    }

    @Test
    void aHostNotInTheInventoryIsRefusedWithTheReasonInTheTerminal() throws Exception {
        Run run = ssh("-p", String.valueOf(bastion.port()), login + "@no-such-host@127.0.0.1", "true");
        assertThat(run.exit()).isNotZero();
        assertThat(run.stderr()).contains("no such host no-such-host");
    }

    @Test
    void aSessionIsAnAuditEventNamingThePersonAndTheTarget() throws Exception {
        ssh("-p", String.valueOf(bastion.port()), login + "@" + host + "@127.0.0.1", "true");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            body = new ApiClient(port).get("/api/v1/audit/events?actor=" + person, ADMIN).body();
            if (body.contains("ssh.login") && body.contains(host)) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(body).contains("ssh.login").contains(login + "@" + host);
    }

    @Test
    void aRecordedCommandIsFoundBySearchAndItsOutputIsInTheRecording() throws Exception {
        String marker = "marker" + Long.toString(System.nanoTime(), 36);
        Run run = ssh("-tt", "-p", String.valueOf(bastion.port()), login + "@" + host + "@127.0.0.1",
                "echo " + marker + "-out");
        assertThat(run.exit()).as(run.stderr()).isZero();
        ApiClient api = new ApiClient(port);
        JsonNode sessions = eventually(() -> {
            JsonNode found = api.get("/api/v1/sessions?user=" + person + "&q=" + marker, ADMIN).json().get("sessions");
            return found.size() > 0 && "ended".equals(found.get(0).get("status").asString()) ? found : null;
        });
        String id = sessions.get(0).get("sessionId").asString();
        assertThat(sessions.get(0).get("host").asString()).isEqualTo(host);
        assertThat(sessions.get(0).get("sourceAddress").asString()).startsWith("127.0.0.1:");
        JsonNode commands = api.get("/api/v1/sessions/" + sessions.get(0).get("sessionId").asString(), ADMIN).json()
                .get("commands");
        assertThat(commands.size()).as("the exec command, once: %s", commands).isEqualTo(1);

        ApiClient.Reply recording = api.get("/api/v1/sessions/" + id + "/recording", ADMIN);
        assertThat(recording.status()).isEqualTo(200);
        assertThat(recording.body().lines().findFirst().orElseThrow()).contains("\"version\":2");
        assertThat(recording.body()).contains(marker + "-out");

        String viewed = api.get("/api/v1/audit/events?type=recording.viewed", ADMIN).body();
        assertThat(viewed).contains("session:" + id);
    }

    @Test
    void aCommandTypedInAnInteractiveShellIsFoundBySearchWithItsTimeOffset() throws Exception {
        String marker = "typed" + Long.toString(System.nanoTime(), 36);
        List<String> command = List.of("ssh", "-F", config.toString(), "-tt", "-p", String.valueOf(bastion.port()),
                login + "@" + host + "@127.0.0.1");
        Process shell = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuffer screen = new StringBuffer();
        Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[4096];
            try (var in = shell.getInputStream()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    screen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        // Typed like a person: wait for the prompt, type a line, see its output, then exit.
        eventually(() -> screen.toString().stripTrailing().matches("(?s).*[#$]") ? screen : null);
        shell.getOutputStream().write(("echo " + marker + "-shown\n").getBytes(StandardCharsets.UTF_8));
        shell.getOutputStream().flush();
        eventually(() -> screen.toString().contains(marker + "-shown\r\n") ? screen : null);
        shell.getOutputStream().write("exit\n".getBytes(StandardCharsets.UTF_8));
        shell.getOutputStream().flush();
        assertThat(shell.waitFor(30, TimeUnit.SECONDS)).as(screen.toString()).isTrue();

        ApiClient api = new ApiClient(port);
        JsonNode found = eventually(() -> {
            JsonNode sessions = api.get("/api/v1/sessions?user=" + person + "&q=" + marker, ADMIN).json().get("sessions");
            return sessions.size() > 0 && sessions.get(0).get("matches").size() > 0 ? sessions.get(0) : null;
        });
        assertThat(found.get("kind").asString()).isEqualTo("shell");
        JsonNode hit = found.get("matches").get(0);
        assertThat(hit.get("line").asString()).contains("echo " + marker + "-shown");
        assertThat(hit.get("offsetMillis").asLong()).isGreaterThanOrEqualTo(0);
        JsonNode detail = api.get("/api/v1/sessions/" + found.get("sessionId").asString(), ADMIN).json();
        assertThat(detail.get("commands").toString()).contains("echo " + marker + "-shown");
    }

    @Test
    void terminateFromTheApiEndsTheLiveSessionWithTheReasonShownToTheUser() throws Exception {
        List<String> command = new ArrayList<>(List.of("ssh", "-F", config.toString(), "-p", String.valueOf(bastion.port()),
                login + "@" + host + "@127.0.0.1", "sleep 120"));
        Path err = Files.createTempFile(work, "err", ".txt");
        Process process = new ProcessBuilder(command).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        ApiClient api = new ApiClient(port);
        try {
            JsonNode live = eventually(() -> {
                JsonNode found = api.get("/api/v1/sessions?user=" + person + "&status=running", ADMIN).json().get("sessions");
                for (JsonNode s : found) {
                    String detail = api.get("/api/v1/sessions/" + s.get("sessionId").asString(), ADMIN).body();
                    if (detail.contains("sleep 120")) {
                        return s;
                    }
                }
                return null;
            });
            String auditor = token(unique("auditor"), "auditor");
            String path = "/api/v1/sessions/" + live.get("sessionId").asString() + "/terminate";
            assertThat(api.post(path, auditor, "{\"reason\":\"auditors may not\"}").status()).isEqualTo(403);
            assertThat(process.isAlive()).isTrue();

            ApiClient.Reply reply = api.post(path, ADMIN, "{\"reason\":\"incident 42\"}");
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            assertThat(process.waitFor(5, TimeUnit.SECONDS)).as("ssh ended after terminate").isTrue();
            assertThat(process.exitValue()).isNotZero();
            assertThat(Files.readString(err)).contains("incident 42");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void verifyAfterRecordedSessionsFindsEveryLinkIntactFromTheApiAndTheCommandLine() throws Exception {
        ssh("-tt", "-p", String.valueOf(bastion.port()), login + "@" + host + "@127.0.0.1", "echo evidence");
        ApiClient.Reply reply = new ApiClient(port).get("/api/v1/audit/verify", ADMIN);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("ok").asBoolean()).as(reply.body()).isTrue();
        assertThat(reply.json().get("report").get("eventsChecked").asLong()).isPositive();

        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int status = verifyCommand.run(List.of("audit", "verify"), new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("audit verify: OK");
        assertThat(status).isZero();
        assertThat(verifyCommand.run(List.of("audit", "frobnicate"), new java.io.PrintStream(out, true, StandardCharsets.UTF_8)))
                .isEqualTo(2);
    }

    static <T> T eventually(java.util.function.Supplier<T> probe) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("condition not met within 20 s");
    }

    private record Run(int exit, String stdout, String stderr) {}

    private Run ssh(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ssh", "-F", config.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("ssh did not finish within 60 s: " + command + "\n" + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err));
    }

    static void expect(ApiClient.Reply reply, int status) {
        if (reply.status() != status) {
            throw new IllegalStateException("set-up failed, expected " + status + ": " + reply);
        }
    }
}
