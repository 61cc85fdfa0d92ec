package dev.gatehouse.controlplane.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.controlplane.bastion.BastionService;
import dev.gatehouse.testkit.OpenSshClient;
import dev.gatehouse.testkit.OpenSshServer;
import dev.gatehouse.testkit.SshKeyFiles;
import dev.gatehouse.testkit.SshKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Just-in-time access end to end: a person with no role asks for one from the bastion's SSH menu (a real {@code ssh}
 * on a terminal), an admin approves it in headless Chromium ({@code e2e/access-requests.e2e.mjs}), the person's stock
 * {@code ssh} login to a real {@code sshd} then succeeds, and once the grant's minute (30 s here, asked for by the test
 * base) is over their held session ends and new logins are refused. Each step is an audit event.
 */
class AccessRequestBrowserIT extends GatehouseTestApplication {

    @Autowired
    BastionService bastion;

    @Test
    void approvedRequestGrantsALoginForItsMinutesAndNotAfter() throws Exception {
        BrowserScript.assumeBrowser("AccessRequestBrowserIT");
        ApiClient admin = new ApiClient(port);
        Path work = Files.createTempDirectory("gatehouse-access-request-");
        try (OpenSshServer target = OpenSshServer.builder()
                .trustedUserCaKeys(admin.get("/api/v1/ca/ssh-user", ADMIN).body().strip()).start()) {
            grantedLoginEndsWithItsMinutes(admin, work, target);
        }
    }

    private void grantedLoginEndsWithItsMinutes(ApiClient admin, Path work, OpenSshServer target) throws Exception {
        SshKeyFiles key = SshKeys.ed25519(work);
        String suffix = Long.toString(System.nanoTime(), 36);
        String password = "jit-" + suffix;
        AccessFixture access = new AccessFixture(admin, ADMIN);
        String role = access.role("jit").logins(target.loginUser()).hostLabel("jit", suffix).maxRequestMinutes(5)
                .create();
        String host = access.host("jit-host").address("127.0.0.1:" + target.port()).label("jit", suffix).create();
        String person = access.person("jit-person").password(password).key(key.publicKeyLine()).create();
        String adminUser = access.person("jit-admin").apiScope("admin").password(password).create();
        Path sshConfig = BrowserScript.sshConfig(work, key, admin.get("/api/v1/ca/ssh-host", ADMIN).body());

        String menu = requestFromTheMenu(sshConfig, person, role);
        assertThat(menu).contains("request access to a role").contains("Requested " + role + " for 1 minutes");
        assertThat(admin.get("/api/v1/audit/events?type=access-request.requested&actor=" + person, ADMIN).body())
                .contains("\"outcome\":\"success\"");

        Map<String, String> env = new LinkedHashMap<>();
        env.put("GATEHOUSE_URL", "http://127.0.0.1:" + port);
        env.put("E2E_ADMIN_USER", adminUser);
        env.put("E2E_ADMIN_PASSWORD", password);
        env.put("E2E_PERSON_USER", person);
        env.put("E2E_PERSON_PASSWORD", password);
        env.put("E2E_ROLE", role);
        env.put("E2E_GRANT_MS", Long.toString(ACCESS_REQUEST_MINUTE.toMillis()));
        env.put("E2E_LOGIN", target.loginUser());
        env.put("E2E_HOST", host);
        env.put("E2E_SSH_PORT", String.valueOf(bastion.port()));
        env.put("E2E_SSH_CONFIG", sshConfig.toString());
        BrowserScript.run("access-requests.e2e.mjs", env, work);

        for (String type : List.of("access-request.approved", "access-request.expired")) {
            assertThat(admin.get("/api/v1/audit/events?type=" + type, ADMIN).body()).as(type).contains(person);
        }
    }

    /** Chooses the menu's last entry on a terminal ({@code ssh -tt}) and answers its three questions. */
    private String requestFromTheMenu(Path sshConfig, String person, String role) throws Exception {
        ProcessBuilder ssh = OpenSshClient.ssh().config(sshConfig).port(bastion.port()).flags("-tt")
                .arguments(person + "@127.0.0.1").process().redirectErrorStream(true);
        ssh.environment().put("TERM", "xterm");
        Process process = ssh.start();
        process.getOutputStream().write(("1\r" + role + "\r1\rINC-7 fix the target\r").getBytes(StandardCharsets.US_ASCII));
        process.getOutputStream().flush();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the menu session ended").isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
