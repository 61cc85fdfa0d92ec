package dev.gatehouse.controlplane.bastion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.testkit.CommandResult;
import dev.gatehouse.testkit.OpenSshClient;
import dev.gatehouse.testkit.SshClientConfig;
import dev.gatehouse.testkit.NetworkNamespace;
import dev.gatehouse.testkit.SshKeyFiles;
import dev.gatehouse.testkit.SshKeys;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Bare forwards ({@code ssh -W}/{@code -L} with no target) granted by address, driven by the real OpenSSH client: a
 * name pattern never reaches the gateway's loopback or a link-local address; a CIDR grant reaches a service in a
 * network namespace but not the gateway's own address in that range.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Import(ForwardGrantsIT.TestResolver.class)
class ForwardGrantsIT extends GatehouseTestApplication {

    /** Resolves {@code metadata.test} to a link-local address (blackholed by the test); every other name as usual. */
    static final String LINK_LOCAL_NAME = "metadata.test";
    static final String LINK_LOCAL_ADDRESS = "169.254.77.77";

    @TestConfiguration
    static class TestResolver {
        @Bean
        NameResolver testNameResolver() {
            return name -> LINK_LOCAL_NAME.equals(name) ? new InetAddress[] {InetAddress.getByName(LINK_LOCAL_ADDRESS)}
                    : NameResolver.SYSTEM.resolve(name);
        }
    }

    @Autowired
    BastionService bastion;

    private Path work;
    private Path config;
    private String person;

    @BeforeAll
    void personWithForwardGrants() throws Exception {
        ApiClient admin = new ApiClient(port);
        work = Files.createTempDirectory("gatehouse-forward-grants-");
        SshKeyFiles key = SshKeys.ed25519(work);
        AccessFixture access = new AccessFixture(admin, ADMIN);
        String team = unique("fwd-role");
        String role = access.role("fwd-role").logins("nobody").hostLabel("team", team)
                .forwardDestinations("local*:*", "*.test:*", "10.233.0.0/16:*").create();
        // The role reaches the direct network through one host there (untied grants apply where the role reaches).
        access.host("fwd-host").address("192.0.2.1:22").label("team", team).create();
        person = access.person("fwd").roles(role).key(key.publicKeyLine()).create();
        config = SshClientConfig.write(work.resolve("ssh_config"), key.privateKey(),
                admin.get("/api/v1/ca/ssh-host", ADMIN).body().strip());
    }

    @Test
    void aNamePatternGrantNeverReachesTheGatewaysLoopback() throws Exception {
        try (ServerSocket gatewayService = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            CommandResult run = ssh("hello\n", "-W",
                    "localhost:" + gatewayService.getLocalPort(), person + "@127.0.0.1");

            assertThat(run.exitCode()).isEqualTo(255);
            assertThat(run.stderr()).contains("forwarding to localhost (127.0.0.1):" + gatewayService.getLocalPort()
                    + " in network 'direct' is refused").contains("reserved (loopback)");
            gatewayService.setSoTimeout(1000);
            assertThat(accepted(gatewayService)).as("a connection reached the gateway's loopback").isFalse();
        }
        String events = eventually(() -> {
            String body = api.get("/api/v1/audit/events?actor=" + person, ADMIN).body();
            return body.contains("reserved (loopback)") ? body : null;
        });
        assertThat(events).contains("ssh.forward.denied");
    }

    @Test
    void aLocalForwardToTheGatewaysLoopbackGetsNoConnection() throws Exception {
        try (ServerSocket gatewayService = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            int localPort;
            try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                localPort = free.getLocalPort();
            }
            Path err = work.resolve("l-err-" + localPort);
            Process ssh = OpenSshClient.ssh().config(config).port(bastion.port()).flags("-N", "-L", localPort
                    + ":localhost:" + gatewayService.getLocalPort()).arguments(person + "@127.0.0.1").process()
                    .redirectError(err.toFile()).start();
            try {
                String reply = eventually(() -> exchange(localPort));
                gatewayService.setSoTimeout(1000);
                assertThat(accepted(gatewayService)).as("a connection reached the gateway's loopback").isFalse();
                assertThat(reply).isEmpty();
                assertThat(eventually(() -> read(err).contains("reserved (loopback)") ? read(err) : null))
                        .contains("open failed");
            } finally {
                ssh.destroy();
                ssh.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aNameResolvingToALinkLocalAddressIsRefused() throws Exception {
        assumeTrue(NetworkNamespace.available(), "needs root to blackhole the link-local address");
        // Even if the refusal failed, nothing could leave this machine for that address.
        assertThat(ip("route", "add", "blackhole", LINK_LOCAL_ADDRESS + "/32")).as("blackhole route added").isZero();
        try {
            CommandResult run = ssh("", "-W", LINK_LOCAL_NAME + ":80",
                    person + "@127.0.0.1");

            assertThat(run.exitCode()).isEqualTo(255);
            assertThat(run.stderr()).contains("forwarding to " + LINK_LOCAL_NAME + " (" + LINK_LOCAL_ADDRESS
                    + "):80 in network 'direct' is refused").contains("reserved (link-local)");
        } finally {
            ip("route", "del", "blackhole", LINK_LOCAL_ADDRESS + "/32");
        }
    }

    @Test
    void aCidrGrantReachesAServiceInThatRangeButNotTheGatewaysOwnAddressThere() throws Exception {
        assumeTrue(NetworkNamespace.available(), "needs root for a network namespace");
        try (NetworkNamespace lab = NetworkNamespace.create()) {
            int servicePort = 27017;
            lab.start(work.resolve("echo-ns.log"), "socat", "-t", "30", "TCP-LISTEN:" + servicePort + ",bind="
                    + lab.namespaceAddress() + ",reuseaddr,fork", "PIPE");
            eventually(() -> NetworkNamespace.reachableFromHere(lab.namespaceAddress(), servicePort) ? "up" : null);

            CommandResult run = ssh("through a CIDR grant\n", "-W",
                    lab.namespaceAddress() + ":" + servicePort, person + "@127.0.0.1");
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(run.stdoutText()).isEqualTo("through a CIDR grant\n");

            // The host's end of the veth pair is in 10.233.0.0/16 too, but it is the gateway's own address.
            CommandResult own = ssh("", "-W", lab.hostAddress() + ":" + servicePort,
                    person + "@127.0.0.1");
            assertThat(own.exitCode()).isEqualTo(255);
            assertThat(own.stderr()).contains("an address of the gateway itself");
        }
    }

    private static int ip(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().transferTo(System.out);
        return process.waitFor(10, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    private static boolean accepted(ServerSocket socket) throws IOException {
        try {
            socket.accept().close();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** Connects to the local forward, says hello, and returns what came back (empty when the forward was refused). */
    private static String exchange(int localPort) {
        try (java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), localPort)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e instanceof java.net.ConnectException ? null : "";
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    /** ssh through the bastion with this person's config file, {@code input} on its stdin. */
    private CommandResult ssh(String input, String... args) {
        return OpenSshClient.ssh().config(config).port(bastion.port()).stdin(input.getBytes(StandardCharsets.UTF_8))
                .arguments(args).run();
    }
}
