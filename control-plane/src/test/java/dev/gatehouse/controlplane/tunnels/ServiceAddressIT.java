package dev.gatehouse.controlplane.tunnels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.controlplane.bastion.BastionService;
import dev.gatehouse.testkit.CommandResult;
import dev.gatehouse.testkit.NetworkNamespace;
import dev.gatehouse.testkit.SshKeyFiles;
import dev.gatehouse.testkit.SshKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The Subway case: software on the engineer's machine expects its licence server at 10.20.0.7:27000, a service that
 * only an agent network reaches. The engineer's machine is a network namespace of its own (it reaches the gateway's
 * SSH port, nothing else); the shipped {@code deploy/bin/gatehouse-forward} puts 10.20.0.7 on that machine's loopback
 * and keeps stock OpenSSH's {@code ssh -N -L 10.20.0.7:27000:licence:27000} up, so the service answers at its own
 * address there, again after the ssh process is killed, and the address is gone once the helper is stopped.
 * Needs root and {@code ip netns}; skipped with a message otherwise.
 */
class ServiceAddressIT extends GatehouseTestApplication {

    private static final String SERVICE_ADDRESS = "10.20.0.7";
    private static final int SERVICE_PORT = 27000;

    @Autowired
    BastionService bastion;

    @Autowired
    TunnelService tunnels;

    @Test
    void helperMakesTheServiceAnswerAtItsOwnAddressAndKeepsTheForwardUp() throws Exception {
        assumeThat(NetworkNamespace.available())
                .as("ServiceAddressIT needs root and 'ip netns'; skipped (TunnelNamespaceIT covers ssh -L to a port)")
                .isTrue();
        Path dir = Files.createTempDirectory("gatehouse-service-address-");
        ApiClient admin = new ApiClient(port);
        try (AgentLab agentLab = AgentLab.create(dir, tunnels.port());
             NetworkNamespace laptop = NetworkNamespace.create()) {
            NetworkNamespace lab = agentLab.namespace();
            run(lab, "ip", "addr", "add", SERVICE_ADDRESS + "/32", "dev", "lo");
            lab.start(dir.resolve("service.log"), "socat", "TCP-LISTEN:" + SERVICE_PORT + ",bind=" + SERVICE_ADDRESS
                    + ",reuseaddr,fork", "SYSTEM:echo licence-ok");

            String network = unique("subway");
            ApiClient.expect(admin.post("/api/v1/networks", ADMIN, "{\"name\":\"" + network + "\",\"description\":\"\"}"), 201);
            AccessFixture access = new AccessFixture(admin, ADMIN);
            String team = unique("subway-users");
            String service = access.host("licence").address(SERVICE_ADDRESS + ":" + SERVICE_PORT)
                    .label("team", team).network(network).create();
            String role = access.role("subway-users").logins("root").hostLabel("team", team)
                    .forwardDestinations(service + ":" + SERVICE_PORT).create();
            SshKeyFiles key = SshKeys.ed25519(Files.createDirectories(dir.resolve("user")));
            String person = access.person("sam").roles(role).key(key.publicKeyLine()).create();
            agentLab.runAgent(admin, tunnels.listener(), network, SERVICE_ADDRESS + ":" + SERVICE_PORT);

            // The laptop reaches the gateway's SSH port (a relay on its veth address), and not the service.
            int relayPort = 20000 + ThreadLocalRandom.current().nextInt(20000);
            laptop.startOnHost(dir.resolve("ssh-relay.log"), "socat", "TCP-LISTEN:" + relayPort + ",bind="
                    + laptop.hostAddress() + ",reuseaddr,fork", "TCP:127.0.0.1:" + bastion.port());
            assertThat(answer(laptop)).as("before the helper, the laptop has no way to the service").isEmpty();

            Path knownHosts = Files.writeString(dir.resolve("known_hosts"),
                    admin.get("/api/v1/ca/ssh-host", ADMIN).body());
            Path helper = Path.of("..", "deploy", "bin", "gatehouse-forward").toAbsolutePath().normalize();
            // SIGINT back to its default first: a build started in the background (as CI is) passes it on ignored, and
            // a shell cannot trap a signal ignored when it started, so Ctrl-C below would do nothing.
            Process forward = laptop.start(dir.resolve("helper.log"), "python3", "-c", "import os, signal, sys; "
                    + "signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])",
                    "env", "GATEHOUSE_FORWARD_MAX_BACKOFF=2",
                    helper.toString(), SERVICE_ADDRESS + ":" + SERVICE_PORT, service + ":" + SERVICE_PORT,
                    "-i", key.privateKey().toString(), "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                    "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                    "-o", "StrictHostKeyChecking=yes", "-o", "HostKeyAlias=127.0.0.1", "-o", "BatchMode=yes",
                    "-p", String.valueOf(relayPort), person + "@" + laptop.hostAddress());
            Path log = dir.resolve("helper.log");

            assertThat(eventuallyAnswers(laptop, forward, log)).as("helper log: %s", NetworkNamespace.read(log))
                    .isEqualTo("licence-ok");
            assertThat(run(laptop, "ip", "-o", "addr", "show", "dev", "lo")).contains(SERVICE_ADDRESS + "/32");

            long ssh = sshOf(forward);
            ProcessHandle.of(ssh).ifPresent(ProcessHandle::destroyForcibly);
            assertThat(eventuallyAnswers(laptop, forward, log)).as("after the ssh was killed; helper log: %s",
                    NetworkNamespace.read(log)).isEqualTo("licence-ok");
            assertThat(sshOf(forward)).as("a new ssh process").isNotEqualTo(ssh);

            // Ctrl-C: SIGINT to the helper (ip netns exec, python and env exec it, so it is this process).
            assertThat(new ProcessBuilder("kill", "-INT", String.valueOf(forward.pid())).start().waitFor()).isZero();
            assertThat(forward.waitFor(30, TimeUnit.SECONDS)).as("helper log: %s", NetworkNamespace.read(log)).isTrue();
            assertThat(forward.exitValue()).isZero();
            assertThat(run(laptop, "ip", "-o", "addr", "show", "dev", "lo")).doesNotContain(SERVICE_ADDRESS);
            assertThat(answer(laptop)).as("the forward ended with the helper").isEmpty();
        }
    }

    /** What the service says to a connection from inside {@code laptop} to its own address (empty: no answer). */
    private static String answer(NetworkNamespace laptop) {
        CommandResult result = laptop.run("socat", "-T", "5", "-u",
                "TCP:" + SERVICE_ADDRESS + ":" + SERVICE_PORT + ",connect-timeout=3", "-");
        return result.succeeded() ? result.stdoutText().strip() : "";
    }

    private static String eventuallyAnswers(NetworkNamespace laptop, Process forward, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            assertThat(forward.isAlive()).as("helper ended: %s", NetworkNamespace.read(log)).isTrue();
            String answer = answer(laptop);
            if (!answer.isEmpty() || System.nanoTime() > deadline) {
                return answer;
            }
            Thread.sleep(300);
        }
    }

    /** The ssh process the helper runs now (waits for it while the helper is between two). */
    private static long sshOf(Process helper) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            var ssh = helper.toHandle().descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/ssh")).orElse(false)).findFirst();
            if (ssh.isPresent()) {
                return ssh.get().pid();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the helper runs no ssh");
    }

    private static String run(NetworkNamespace namespace, String... command) {
        CommandResult result = namespace.run(command);
        if (!result.succeeded()) {
            throw new IllegalStateException(result.describe());
        }
        return result.stdoutText();
    }
}
