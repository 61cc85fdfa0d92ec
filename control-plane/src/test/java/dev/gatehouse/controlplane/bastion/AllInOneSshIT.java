package dev.gatehouse.controlplane.bastion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.controlplane.evidence.AuditVerifyCommand;
import dev.gatehouse.testkit.BreakableLink;
import dev.gatehouse.testkit.CommandResult;
import dev.gatehouse.testkit.OpenSshClient;
import dev.gatehouse.testkit.OpenSshServer;
import dev.gatehouse.testkit.SshClientConfig;
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
    /** A second inventory name for the same sshd, under a role that allows port forwarding. */
    private String forwardingHost;
    private java.net.ServerSocket echo;

    @BeforeAll
    void engineerAndTarget() throws Exception {
        ApiClient admin = new ApiClient(port);
        work = Files.createTempDirectory("gatehouse-allinone-");
        String userCa = admin.get("/api/v1/ca/ssh-user", ADMIN).body().strip();
        String hostCa = admin.get("/api/v1/ca/ssh-host", ADMIN).body().strip();
        target = OpenSshServer.builder().trustedUserCaKeys(userCa).start();
        login = target.loginUser();
        SshKeyFiles key = SshKeys.ed25519(work);
        AccessFixture access = new AccessFixture(admin, ADMIN);
        AccessFixture.Role ops = access.role("ops");
        String role = ops.logins(login).hostLabel("team", ops.name()).create();
        AccessFixture.Role devs = access.role("devs");
        String forwardingRole = devs.logins(login).hostLabel("team", devs.name()).portForwarding().create();
        person = access.person("alice").roles(role, forwardingRole).key(key.publicKeyLine()).create();
        String address = "127.0.0.1:" + target.port();
        host = access.host("web").address(address).label("team", role).create();
        forwardingHost = access.host("dev").address(address).label("team", forwardingRole).create();
        echo = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try (java.net.Socket client = echo.accept()) {
                    client.getInputStream().transferTo(client.getOutputStream());
                } catch (java.io.IOException closed) {
                    // next client, or the test is over
                }
            }
        });

        config = SshClientConfig.write(work.resolve("ssh_config"), key.privateKey(), hostCa);
    }

    @AfterAll
    void stopTarget() throws java.io.IOException {
        if (echo != null) {
            echo.close();
        }
        if (target != null) {
            target.close();
        }
    }

    @Test
    void loginAtHostInTheUserNameRunsTheCommandAndReturnsItsExitStatus() throws Exception {
        CommandResult run = ssh(login + "@" + host + "@127.0.0.1", "echo through-gatehouse; exit 7");
        assertThat(run.stdoutText()).isEqualTo("through-gatehouse\n");
        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(7);
    }

    @Test
    void aForwardInsideATargetSessionIsOpenedByTheTargetWhenTheRoleAllowsPortForwarding() throws Exception {
        CommandResult run = client().stdin("ping\n".getBytes(StandardCharsets.UTF_8))
                .arguments("-W", "127.0.0.1:" + echo.getLocalPort(), login + "@" + forwardingHost + "@127.0.0.1").run();
        assertThat(run.stdoutText()).as(run.stderr()).isEqualTo("ping\n");
    }

    @Test
    void aForwardInsideATargetSessionIsRefusedWithTheReasonWhenNoRoleAllowsPortForwarding() throws Exception {
        CommandResult run = ssh("-W", "127.0.0.1:" + echo.getLocalPort(),
                login + "@" + host + "@127.0.0.1");
        assertThat(run.exitCode()).isEqualTo(255);
        assertThat(run.stderr()).contains("port forwarding to 127.0.0.1:" + echo.getLocalPort() + " on " + host
                + " is not allowed");
    }

    @Test
    void theBastionServesAgainAfterItsContextIsStoppedAndStarted() throws Exception {
        // Spring pauses cached contexts (and their lifecycle beans) and restarts them later; so does an operator.
        bastion.stop();
        bastion.start();
        CommandResult run = ssh(login + "@" + host + "@127.0.0.1", "echo restarted");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdoutText()).isEqualTo("restarted\n");
    }

    @Test
    void proxyJumpReachesTheTargetWithoutAHostKeyPrompt() throws Exception {
        // No -p: the port is the bastion's in -J, and the target's own is the inventory's.
        CommandResult run = OpenSshClient.ssh().config(config)
                .arguments("-J", person + "@127.0.0.1:" + bastion.port(), login + "@" + host, "echo jumped").run();
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdoutText()).isEqualTo("jumped\n");
    }

    @Test
    void personAtGatewayListsTheHostsAndLoginsThisPersonMayUse() throws Exception {
        CommandResult run = ssh(person + "@127.0.0.1");
        assertThat(run.stdoutText()).contains(host).contains(login);
    }

    @Test
    void aHostNotInTheInventoryIsRefusedWithTheReasonInTheTerminal() throws Exception {
        CommandResult run = ssh(login + "@no-such-host@127.0.0.1", "true");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("no such host no-such-host");
    }

    @Test
    void aSessionIsAnAuditEventNamingThePersonAndTheTarget() throws Exception {
        // Other tests of this class log the same person in: this session's event is the one more than before.
        ApiClient api = new ApiClient(port);
        String logins = "/api/v1/audit/events?type=ssh.login&limit=1000&actor=" + person + "&target=" + login + "@" + host;
        int before = api.get(logins, ADMIN).json().get("events").size();
        CommandResult run = ssh(login + "@" + host + "@127.0.0.1", "true");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        JsonNode events = eventually(() -> {
            JsonNode found = api.get(logins, ADMIN).json().get("events");
            return found.size() > before ? found : null;
        });
        assertThat(events.size()).as("one more ssh.login: %s", events).isEqualTo(before + 1);
    }

    @Test
    void aRecordedCommandIsFoundBySearchAndItsOutputIsInTheRecording() throws Exception {
        String marker = "marker" + Long.toString(System.nanoTime(), 36);
        CommandResult run = client().flags("-tt").arguments(login + "@" + host + "@127.0.0.1",
                "echo " + marker + "-out").run();
        assertThat(run.exitCode()).as(run.stderr()).isZero();
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

        JsonNode viewed = api.get("/api/v1/audit/events?type=recording.viewed&target=" + id, ADMIN).json().get("events");
        assertThat(viewed.size()).as("one view, logged once: %s", viewed).isEqualTo(1);
    }

    @Test
    void aCommandTypedInAnInteractiveShellIsFoundBySearchWithItsTimeOffset() throws Exception {
        String marker = "typed" + Long.toString(System.nanoTime(), 36);
        long started = System.nanoTime();
        typeInShell("echo " + marker + "-shown", marker + "-shown\r\n");
        long shellMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();

        ApiClient api = new ApiClient(port);
        JsonNode found = eventually(() -> {
            JsonNode sessions = api.get("/api/v1/sessions?user=" + person + "&q=" + marker, ADMIN).json().get("sessions");
            return sessions.size() > 0 && sessions.get(0).get("matches").size() > 0 ? sessions.get(0) : null;
        });
        assertThat(found.get("kind").asString()).isEqualTo("shell");
        JsonNode hit = found.get("matches").get(0);
        assertThat(hit.get("line").asString()).contains("echo " + marker + "-shown");
        assertThat(hit.get("source").asString()).isEqualTo("typed+terminal");
        // Typed after the prompt came, so after the session's start, and within the time the shell was open.
        assertThat(hit.get("offsetMillis").asLong()).isPositive().isLessThanOrEqualTo(shellMillis);
        JsonNode detail = api.get("/api/v1/sessions/" + found.get("sessionId").asString(), ADMIN).json();
        assertThat(detail.get("commands").toString()).contains("echo " + marker + "-shown");
    }

    @Test
    void printedPromptMarksAddNoCommandAndACommandTypedWithEchoOffIsStillFound() throws Exception {
        String marker = "marks" + Long.toString(System.nanoTime(), 36);
        // The printed "command" is put together by printf, so no typed line holds it as one word.
        typeInShell("printf '\\033]133;A\\007p> \\033]133;B\\007%s%s\\033]133;C\\007\\n' fake- " + marker,
                "fake-" + marker);
        typeInShell("stty -echo", null, "echo hidden-" + marker + " > /dev/null", null, "stty echo", null);

        ApiClient api = new ApiClient(port);
        JsonNode session = eventually(() -> {
            JsonNode sessions = api.get("/api/v1/sessions?user=" + person + "&q=hidden-" + marker, ADMIN).json()
                    .get("sessions");
            return sessions.size() > 0 && sessions.get(0).get("matches").size() > 0 ? sessions.get(0) : null;
        });
        JsonNode hidden = session.get("matches").get(0);
        assertThat(hidden.get("line").asString()).isEqualTo("echo hidden-" + marker + " > /dev/null");
        assertThat(hidden.get("source").asString()).isEqualTo("typed");

        JsonNode printed = eventually(() -> {
            JsonNode sessions = api.get("/api/v1/sessions?user=" + person + "&q=" + marker, ADMIN).json().get("sessions");
            for (JsonNode s : sessions) {
                if (s.get("matches").toString().contains("printf")) {
                    return s;
                }
            }
            return null;
        });
        JsonNode commands = api.get("/api/v1/sessions/" + printed.get("sessionId").asString(), ADMIN).json()
                .get("commands");
        List<String> lines = new ArrayList<>();
        commands.forEach(c -> lines.add(c.get("line").asString()));
        assertThat(lines).anyMatch(l -> l.startsWith("printf")).noneMatch(l -> l.equals("fake-" + marker));
    }

    @Test
    void aScriptFedToBashWithoutATerminalIsFoundBySearchAndEachStreamComesBackByteExact() throws Exception {
        String marker = "script" + Long.toString(System.nanoTime(), 36);
        String script = "echo out-" + marker + "\nprintf 'err-%s\\n' " + marker + " >&2\nhead -c 3000 /dev/zero | tr '\\0' x\n";
        CommandResult run = client().stdin(script.getBytes(StandardCharsets.UTF_8))
                .arguments(login + "@" + host + "@127.0.0.1", "bash -s").run();
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdoutText()).isEqualTo("out-" + marker + "\n" + "x".repeat(3000));
        assertThat(run.stderr()).contains("err-" + marker + "\n");

        ApiClient api = new ApiClient(port);
        JsonNode found = eventually(() -> {
            JsonNode sessions = api.get("/api/v1/sessions?user=" + person + "&q=" + marker, ADMIN).json()
                    .get("sessions");
            return sessions.size() == 1 && !"live".equals(sessions.get(0).get("status").asString())
                    ? sessions.get(0) : null;
        });
        String id = found.get("sessionId").asString();
        ApiClient.Reply stdin = api.get("/api/v1/sessions/" + id + "/export?format=stdin", ADMIN);
        assertThat(stdin.status()).as(stdin.body()).isEqualTo(200);
        assertThat(stdin.body()).isEqualTo(script);
        assertThat(api.get("/api/v1/sessions/" + id + "/export?format=stdout", ADMIN).body())
                .isEqualTo("out-" + marker + "\n" + "x".repeat(3000));
        assertThat(api.get("/api/v1/sessions/" + id + "/export?format=stderr", ADMIN).body())
                .isEqualTo("err-" + marker + "\n");
        assertThat(api.get("/api/v1/sessions/" + id + "/export?format=movie", ADMIN).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/audit/events?type=recording.exported&target=" + id, ADMIN).json().get("events")
                .size()).isEqualTo(3);
    }

    /**
     * Types lines into an interactive shell through the bastion like a person: waits for the prompt, types a line,
     * waits until the screen shows the text that follows it (or for the next prompt when it is null), then exits.
     */
    private void typeInShell(String... linesAndAwaited) throws Exception {
        Process shell = client().flags("-tt").arguments(login + "@" + host + "@127.0.0.1").process()
                .redirectErrorStream(true).start();
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
        eventually(() -> screen.toString().stripTrailing().matches("(?s).*[#$]") ? screen : null);
        for (int i = 0; i < linesAndAwaited.length; i += 2) {
            int seen = screen.length();
            shell.getOutputStream().write((linesAndAwaited[i] + "\n").getBytes(StandardCharsets.UTF_8));
            shell.getOutputStream().flush();
            String awaited = linesAndAwaited[i + 1];
            eventually(() -> {
                String after = screen.substring(Math.min(seen, screen.length()));
                return (awaited == null ? after.stripTrailing().matches("(?s).*[#$]") : after.contains(awaited))
                        ? screen : null;
            });
        }
        shell.getOutputStream().write("exit\n".getBytes(StandardCharsets.UTF_8));
        shell.getOutputStream().flush();
        assertThat(shell.waitFor(30, TimeUnit.SECONDS)).as(screen.toString()).isTrue();
    }

    @Test
    void terminateFromTheApiEndsTheLiveSessionWithTheReasonShownToTheUser() throws Exception {
        Path err = Files.createTempFile(work, "err", ".txt");
        Process process = client().arguments(login + "@" + host + "@127.0.0.1", "sleep 120").process()
                .redirectError(err.toFile())
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
    void aCommandWhoseConnectionBrokeShowsDetachedAndTheNextPlainSshGetsItsOutputAndExitStatus() throws Exception {
        // The role says nothing about detachedSeconds: the default, 10 minutes, holds.
        Path go = work.resolve("go-after-break");
        ApiClient api = new ApiClient(port);
        String id;
        try (BreakableLink link = BreakableLink.to(bastion.port())) {
            Process first = OpenSshClient.ssh().config(config).port(link.port()).arguments(login + "@" + host
                    + "@127.0.0.1", "echo BEFORE-BREAK; while [ ! -e " + go + " ]; do sleep 0.1; done; echo AFTER-BREAK; exit 3")
                    .process().redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(first.getInputStream(),
                        StandardCharsets.UTF_8)).readLine()).isEqualTo("BEFORE-BREAK");
                id = eventually(() -> {
                    for (JsonNode s : api.get("/api/v1/sessions?user=" + person + "&status=running", ADMIN).json()
                            .get("sessions")) {
                        String sessionId = s.get("sessionId").asString();
                        if (api.get("/api/v1/sessions/" + sessionId, ADMIN).body().contains(go.toString())) {
                            return sessionId;
                        }
                    }
                    return null;
                });
                link.cut();
                assertThat(eventually(() -> api.get("/api/v1/sessions/" + id, ADMIN).json().get("session")
                        .get("status").asString().equals("detached") ? true : null)).isTrue();
            } finally {
                first.destroyForcibly();
            }
        }
        Files.createFile(go);

        CommandResult again = ssh(login + "@" + host + "@127.0.0.1");

        assertThat(again.stderr()).contains("gatehouse: re-attached to your session from ");
        assertThat(again.stdoutText()).isEqualTo("AFTER-BREAK\n");
        assertThat(again.exitCode()).isEqualTo(3);
        assertThat(eventually(() -> {
            String events = api.get("/api/v1/sessions/" + id + "/events", ADMIN).body();
            return events.contains("\"ssh.detached\"") && events.contains("\"ssh.reattached\"") ? events : null;
        })).isNotNull();
    }

    @Test
    void verifyAfterRecordedSessionsFindsEveryLinkIntactFromTheApiAndTheCommandLine() throws Exception {
        ApiClient api = new ApiClient(port);
        JsonNode before = verified(api);
        String marker = "evidence" + Long.toString(System.nanoTime(), 36);
        CommandResult run = client().flags("-tt").arguments(login + "@" + host + "@127.0.0.1", "echo " + marker)
                .run();
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        eventually(() -> {
            JsonNode found = api.get("/api/v1/sessions?user=" + person + "&q=" + marker, ADMIN).json().get("sessions");
            return found.size() > 0 && "ended".equals(found.get(0).get("status").asString()) ? found : null;
        });

        JsonNode after = verified(api);
        // The new session's recording is among what was checked, not only what other tests left.
        assertThat(after.get("sessionsChecked").asInt()).as("%s", after).isGreaterThan(before.get("sessionsChecked").asInt());
        assertThat(after.get("chunksChecked").asInt()).as("%s", after).isGreaterThan(before.get("chunksChecked").asInt());
        assertThat(after.get("eventsChecked").asLong()).as("%s", after).isGreaterThan(before.get("eventsChecked").asLong());

        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int status = verifyCommand.run(List.of("audit", "verify"), new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("audit verify: OK");
        assertThat(status).isZero();
        assertThat(verifyCommand.run(List.of("audit", "frobnicate"), new java.io.PrintStream(out, true, StandardCharsets.UTF_8)))
                .isEqualTo(2);
    }

    /** Runs a verification through the API and returns its report, which must be ok. */
    private static JsonNode verified(ApiClient api) throws Exception {
        assertThat(api.post("/api/v1/audit/verify", ADMIN, null).status()).isEqualTo(202);
        JsonNode done = eventually(Duration.ofSeconds(60), () -> {
            ApiClient.Reply reply = api.get("/api/v1/audit/verify", ADMIN);
            return reply.status() == 200 && !reply.json().get("state").asString().equals("running") ? reply.json() : null;
        });
        assertThat(done.get("ok").asBoolean()).as("%s", done).isTrue();
        return done.get("report");
    }

    /** ssh through the bastion with the engineer's config file. */
    private OpenSshClient client() {
        return OpenSshClient.ssh().config(config).port(bastion.port());
    }

    private CommandResult ssh(String... args) {
        return client().arguments(args).run();
    }
}
