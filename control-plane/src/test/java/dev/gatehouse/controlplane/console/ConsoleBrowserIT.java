package dev.gatehouse.controlplane.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.controlplane.bastion.BastionService;
import dev.gatehouse.testkit.OpenSshServer;
import dev.gatehouse.testkit.SshKeyFiles;
import dev.gatehouse.testkit.SshKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The console in real headless Chromium against this gateway, with sessions made by the real {@code ssh} through the
 * in-process bastion to a real {@code sshd}. The browser steps live in {@code web-console}'s
 * {@code e2e/console.e2e.mjs} (playwright-core); this class provides the gateway, the target and the people, runs
 * the script and fails with its output when any step fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserIT extends GatehouseTestApplication {

    @Autowired
    BastionService bastion;

    private OpenSshServer target;
    private Path work;
    private final Map<String, String> env = new java.util.LinkedHashMap<>();

    @BeforeAll
    void gatewayTargetAndPeople() throws Exception {
        BrowserScript.assumeBrowser("ConsoleBrowserIT");
        ApiClient admin = new ApiClient(port);
        work = Files.createTempDirectory("gatehouse-console-");
        target = OpenSshServer.builder().trustedUserCaKeys(admin.get("/api/v1/ca/ssh-user", ADMIN).body().strip()).start();
        String login = target.loginUser();
        SshKeyFiles key = SshKeys.ed25519(work);
        AccessFixture access = new AccessFixture(admin, ADMIN);
        AccessFixture.Role ops = access.role("ops");
        String role = ops.logins(login).hostLabel("team", ops.name()).create();
        String person = access.person("alice").roles(role).key(key.publicKeyLine()).create();
        String host = access.host("web").address("127.0.0.1:" + target.port()).label("team", role).label("env", "demo")
                .create();
        String password = "console-" + Long.toString(System.nanoTime(), 36);
        String securityAdmin = access.person("sec-admin").apiScope("admin").password(password).create();
        String auditor = access.person("sec-auditor").apiScope("auditor").password(password).create();

        Path config = BrowserScript.sshConfig(work, key, admin.get("/api/v1/ca/ssh-host", ADMIN).body());

        env.put("GATEHOUSE_URL", "http://127.0.0.1:" + port);
        env.put("E2E_SSH_CONFIG", config.toString());
        env.put("E2E_SSH_PORT", String.valueOf(bastion.port()));
        env.put("E2E_SSH_DEST", login + "@" + host + "@127.0.0.1");
        env.put("E2E_PERSON", person);
        env.put("E2E_ADMIN_USER", securityAdmin);
        env.put("E2E_ADMIN_PASSWORD", password);
        env.put("E2E_AUDITOR_USER", auditor);
        env.put("E2E_AUDITOR_PASSWORD", password);
    }

    @AfterAll
    void stopTarget() {
        if (target != null) {
            target.close();
        }
    }

    @Test
    void securityTeamFindsReplaysWatchesAndTerminatesSessionsInTheBrowser() throws Exception {
        BrowserScript.run("console.e2e.mjs", env, work);
        String watched = api.get("/api/v1/audit/events?type=session.watched&actor=" + env.get("E2E_AUDITOR_USER"), ADMIN).body();
        assertThat(watched).as("watching a live session is an audit event").contains("\"outcome\":\"success\"");
    }
}
