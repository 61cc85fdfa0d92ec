package dev.gatehouse.controlplane.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.controlplane.bastion.BastionService;
import dev.gatehouse.testkit.OpenSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An SSH login approved in the browser, end to end ({@code e2e/approval.e2e.mjs}): the real {@code ssh} on a pty,
 * with no key, waits at the keyboard-interactive prompt of the in-process bastion; the person approves it from a
 * second headless Chromium session and the shell on a real {@code sshd} answers; another person cannot approve; a
 * second login is denied with a reason the client shows. The people, role and host are made through the API.
 */
class SshApprovalBrowserIT extends GatehouseTestApplication {

    private static final String PASSWORD = "approve-in-the-browser-0123";

    @Autowired
    BastionService bastion;

    @Test
    void aKeylessLoginIsApprovedInTheBrowserAndADeniedOneIsRefusedWithTheReason() throws Exception {
        BrowserScript.assumeBrowser("SshApprovalBrowserIT");
        ApiClient admin = new ApiClient(port);
        try (OpenSshServer target = OpenSshServer.builder()
                .trustedUserCaKeys(admin.get("/api/v1/ca/ssh-user", ADMIN).body().strip()).start()) {
            approveInTheBrowser(admin, target);
        }
    }

    private void approveInTheBrowser(ApiClient admin, OpenSshServer target) throws Exception {
        Path work = Files.createTempDirectory("gatehouse-ssh-approval-");
        String team = Long.toString(System.nanoTime(), 36);
        AccessFixture access = new AccessFixture(admin, ADMIN);
        String role = access.role("approved").logins(target.loginUser()).hostLabel("team", team).create();
        String host = access.host("web").address("127.0.0.1:" + target.port()).label("team", team).create();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("E2E_PERSON", access.person("person").roles(role).password(PASSWORD).create());
        env.put("E2E_OTHER", access.person("other").roles(role).password(PASSWORD).create());
        env.put("GATEHOUSE_URL", "http://127.0.0.1:" + port);
        env.put("E2E_PASSWORD", PASSWORD);
        env.put("E2E_LOGIN", target.loginUser());
        env.put("E2E_HOST", host);
        env.put("E2E_SSH_PORT", String.valueOf(bastion.port()));
        env.put("E2E_SSH_CONFIG", keylessConfig(work, admin.get("/api/v1/ca/ssh-host", ADMIN).body()).toString());

        BrowserScript.run("approval.e2e.mjs", env, work);

        String person = env.get("E2E_PERSON");
        for (String type : new String[] {"ssh-approval.requested", "ssh-approval.approved"}) {
            assertThat(api.get("/api/v1/audit/events?type=" + type + "&actor=" + person, ADMIN).body())
                    .as(type).contains("\"outcome\":\"success\"");
        }
        assertThat(api.get("/api/v1/audit/events?type=ssh-approval.denied&actor=" + person, ADMIN).body())
                .contains("not me");
        assertThat(api.get("/api/v1/audit/events?type=ssh-approval.refused&actor=" + env.get("E2E_OTHER"), ADMIN)
                .body()).contains("only they may view");
    }

    /** An ssh_config with no key at all (a person with none registered) that trusts only the gateway's host CA. */
    private static Path keylessConfig(Path work, String knownHostsLine) throws java.io.IOException {
        Path knownHosts = work.resolve("known_hosts");
        Files.writeString(knownHosts, knownHostsLine.strip() + "\n");
        Path config = work.resolve("ssh_config");
        Files.writeString(config, String.join("\n", "Host *", "  PubkeyAuthentication no", "  IdentityAgent none",
                "  PasswordAuthentication no", "  UserKnownHostsFile " + knownHosts, "  GlobalKnownHostsFile /dev/null",
                "  StrictHostKeyChecking yes", "  ConnectTimeout 15", "  LogLevel INFO", ""));
        return config;
    }
}
