package dev.gatehouse.controlplane.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.controlplane.bastion.BastionService;
import dev.gatehouse.controlplane.tunnels.TunnelService;
import dev.gatehouse.testkit.OpenSshServer;
import dev.gatehouse.testkit.SshKeyFiles;
import dev.gatehouse.testkit.SshKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Admins in the console: in real headless Chromium ({@code e2e/admin.e2e.mjs}) an admin creates a role, a person with
 * a pasted key and a host, and that person then logs in with the real {@code ssh} through the in-process bastion to a
 * real {@code sshd}; then the agent command line a new join token shows, run as shown (with this build's agent),
 * joins a real agent that the Agents page shows connected. Only the console users are made through the API here;
 * everything else is made in the browser, and each of those changes must be an audit event as through the API.
 */
class ConsoleAdminBrowserIT extends GatehouseTestApplication {

    @Autowired
    BastionService bastion;

    @Autowired
    TunnelService tunnels;

    private OpenSshServer target;

    @AfterEach
    void stopTarget() {
        if (target != null) {
            target.close();
        }
    }

    @Test
    void adminSetsUpAPersonInTheBrowserAndThePersonLogsInWithStockSsh() throws Exception {
        BrowserScript.assumeBrowser("ConsoleAdminBrowserIT");
        ApiClient admin = new ApiClient(port);
        Path work = Files.createTempDirectory("gatehouse-console-admin-");
        target = OpenSshServer.builder().trustedUserCaKeys(admin.get("/api/v1/ca/ssh-user", ADMIN).body().strip()).start();
        SshKeyFiles key = SshKeys.ed25519(work);
        String suffix = Long.toString(System.nanoTime(), 36);
        String password = "console-" + suffix;
        Map<String, String> env = new LinkedHashMap<>();
        for (String scope : new String[] {"admin", "auditor"}) {
            String name = new AccessFixture(admin, ADMIN).person("sec-" + scope).apiScope(scope).password(password)
                    .create();
            env.put("E2E_" + scope.toUpperCase(java.util.Locale.ROOT) + "_USER", name);
            env.put("E2E_" + scope.toUpperCase(java.util.Locale.ROOT) + "_PASSWORD", password);
        }
        env.put("GATEHOUSE_URL", "http://127.0.0.1:" + port);
        env.put("E2E_SUFFIX", suffix);
        env.put("E2E_LOGIN", target.loginUser());
        env.put("E2E_TARGET_ADDRESS", "127.0.0.1:" + target.port());
        env.put("E2E_PUBLIC_KEY", key.publicKeyLine());
        env.put("E2E_FINGERPRINT", key.fingerprint());
        env.put("E2E_SSH_PORT", String.valueOf(bastion.port()));
        env.put("E2E_TUNNEL_ADDRESS", "127.0.0.1:" + tunnels.port());
        env.put("E2E_AGENT", agent());
        env.put("E2E_SSH_CONFIG", BrowserScript.sshConfig(work, key, admin.get("/api/v1/ca/ssh-host", ADMIN).body()).toString());

        BrowserScript.run("admin.e2e.mjs", env, work);

        String adminUser = env.get("E2E_ADMIN_USER");
        for (String type : new String[] {"role.created", "user.created", "user.key-added", "host.created",
                "network.created", "join-token.created", "api-token.created"}) {
            assertThat(api.get("/api/v1/audit/events?type=" + type + "&actor=" + adminUser, ADMIN).body())
                    .as("the browser's %s is an audit event naming the admin", type).contains("\"outcome\":\"success\"");
        }
    }

    /** How the command line starts the agent: the shipped jar when built, else this test's class path. */
    private static String agent() {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path jar = Path.of("..", "tunnel-agent", "target", "gatehouse-agent.jar").toAbsolutePath().normalize();
        return Files.exists(jar) ? java + " -Xmx128m -jar " + jar
                : java + " -Xmx128m -cp " + System.getProperty("java.class.path") + " dev.gatehouse.agent.AgentCommand";
    }
}
