package dev.gatehouse.controlplane.tunnels;

import static dev.gatehouse.controlplane.ApiClient.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.controlplane.bastion.BastionService;
import dev.gatehouse.testkit.CommandResult;
import dev.gatehouse.testkit.NetworkNamespace;
import dev.gatehouse.testkit.OpenSshClient;
import dev.gatehouse.testkit.OpenSshServer;
import dev.gatehouse.testkit.SshKeyFiles;
import dev.gatehouse.testkit.SshKeys;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The real shape: a private network the gateway has no route into (a network namespace holding the agent process,
 * a real sshd and a plain TCP service), reached by the real {@code ssh}, {@code sftp} and {@code ssh -L} through the
 * in-process bastion and the agent's outbound tunnel.
 * Needs root and {@code ip netns}; skipped with a message otherwise ({@link TunnelIT} covers the loopback set-up).
 * The agent network is an {@link AgentLab}.
 */
class TunnelNamespaceIT extends GatehouseTestApplication {

    @Autowired
    BastionService bastion;

    @Autowired
    TunnelService tunnels;

    @Test
    void hostAndTcpServiceOnlyInsideTheNamespaceAreReachedThroughTheAgentOnly() throws Exception {
        assumeThat(NetworkNamespace.available())
                .as("TunnelNamespaceIT needs root and 'ip netns'; skipped (TunnelIT covers the loopback set-up)")
                .isTrue();
        Path dir = Files.createTempDirectory("gatehouse-tunnel-ns-");
        ApiClient admin = new ApiClient(port);
        try (AgentLab agentLab = AgentLab.create(dir, tunnels.port())) {
            NetworkNamespace lab = agentLab.namespace();
            String privateIp = lab.privateAddress();

            int sshPort = 2222;
            SshKeyFiles hostKey = SshKeys.ed25519(Files.createDirectories(dir.resolve("hostkey")));
            Path userCa = Files.writeString(dir.resolve("user_ca.pub"), admin.get("/api/v1/ca/ssh-user", ADMIN).body());
            Path sshdConfig = Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                    "Port " + sshPort, "ListenAddress " + privateIp, "HostKey " + hostKey.privateKey(),
                    "TrustedUserCAKeys " + userCa, "AuthorizedKeysFile none", "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no", "PidFile " + dir.resolve("sshd.pid"),
                    "Subsystem sftp internal-sftp", OpenSshServer.cleanHomeLine(dir), ""));
            OpenSshServer.createPrivilegeSeparationDirectory();
            lab.start(dir.resolve("sshd.log"), "/usr/sbin/sshd", "-D", "-e", "-f", sshdConfig.toString());
            int servicePort = 27000;
            lab.start(dir.resolve("service.log"), "socat", "-t", "30", "TCP-LISTEN:" + servicePort + ",bind=" + privateIp
                    + ",reuseaddr,fork", "PIPE");

            String network = unique("private");
            expect(admin.post("/api/v1/networks", ADMIN, "{\"name\":\"" + network + "\",\"description\":\"\"}"), 201);
            AccessFixture access = new AccessFixture(admin, ADMIN);
            String team = unique("ns-ops");
            String host = access.host("inside").address(privateIp + ":" + sshPort).label("team", team)
                    .network(network).create();
            String service = access.host("licence").address(privateIp + ":" + servicePort).label("team", team)
                    .network(network).create();
            String role = access.role("ns-ops").logins("root").hostLabel("team", team)
                    .forwardDestinations(service + ":" + servicePort).create();
            SshKeyFiles key = SshKeys.ed25519(Files.createDirectories(dir.resolve("user")));
            String person = access.person("nina").roles(role).key(key.publicKeyLine()).create();
            agentLab.runAgent(admin, tunnels.listener(), network,
                    privateIp + ":" + sshPort + ", " + privateIp + ":" + servicePort);
            assertThat(NetworkNamespace.reachableFromHere(privateIp, sshPort)).as("the gateway has no route to the target")
                    .isFalse();

            assertThat(NetworkNamespace.reachableFromHere(privateIp, servicePort)).as("no route to the service").isFalse();

            Path knownHosts = Files.writeString(dir.resolve("known_hosts"),
                    admin.get("/api/v1/ca/ssh-host", ADMIN).body());
            int bastionPort = bastion.port();

            // ssh to the private host
            CommandResult ssh = person(OpenSshClient.ssh(), key, knownHosts).port(bastionPort)
                    .arguments("root@" + host + "@127.0.0.1", "echo inside-the-namespace").run();
            assertThat(ssh.stdoutText()).as("ssh stderr: %s; sshd: %s", ssh.stderr(),
                    NetworkNamespace.read(dir.resolve("sshd.log"))).isEqualTo("inside-the-namespace\n");
            assertThat(ssh.exitCode()).isZero();

            // sftp to the private host: the namespace shares this file system, so the upload is compared directly
            byte[] upload = new byte[4 << 20];
            ThreadLocalRandom.current().nextBytes(upload);
            Path source = Files.write(dir.resolve("upload.bin"), upload);
            Path landed = dir.resolve("landed.bin");
            Path batch = Files.writeString(dir.resolve("sftp.batch"), "put " + source + " " + landed + "\n");
            CommandResult sftp = person(OpenSshClient.sftp(), key, knownHosts).port(bastionPort)
                    .flags("-b", batch.toString()).arguments("root@" + host + "@127.0.0.1")
                    .timeout(Duration.ofSeconds(120)).run();
            assertThat(sftp.succeeded()).as(sftp.describe()).isTrue();
            assertThat(sha256(Files.readAllBytes(landed))).isEqualTo(sha256(upload));

            // ssh -L to the private TCP service (an echo): every byte comes back, in order
            int localPort;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                localPort = probe.getLocalPort();
            }
            Process forward = person(OpenSshClient.ssh(), key, knownHosts).port(bastionPort)
                    .flags("-N", "-o", "ExitOnForwardFailure=yes", "-L",
                            "127.0.0.1:" + localPort + ":" + service + ":" + servicePort)
                    .arguments(person + "@127.0.0.1").process()
                    .redirectErrorStream(true).redirectOutput(dir.resolve("forward.log").toFile()).start();
            try {
                byte[] sent = new byte[8 << 20];
                ThreadLocalRandom.current().nextBytes(sent);
                byte[] echoed = echoThrough(localPort, sent, forward, dir.resolve("forward.log"));
                assertThat(sha256(echoed)).as("bytes echoed through ssh -L and the agent").isEqualTo(sha256(sent));
            } finally {
                forward.destroy();
            }
        }
    }

    /** Connects to the forwarded port once ssh listens, writes {@code sent} and reads as many bytes back. */
    private static byte[] echoThrough(int localPort, byte[] sent, Process forward, Path forwardLog) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            assertThat(forward.isAlive()).as("ssh -L: %s", NetworkNamespace.read(forwardLog)).isTrue();
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), localPort)) {
                socket.setSoTimeout(60_000);
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        socket.getOutputStream().write(sent);
                        socket.shutdownOutput();
                    } catch (IOException e) {
                        // the reader below reports the short echo
                    }
                });
                byte[] echoed = socket.getInputStream().readAllBytes();
                writer.join();
                return echoed;
            } catch (ConnectException notYetListening) {
                assertThat(System.nanoTime()).as("ssh -L never listened: %s", NetworkNamespace.read(forwardLog))
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** The person's client: only their key, and only host certificates from the gateway's host CA. */
    private static OpenSshClient person(OpenSshClient client, SshKeyFiles key, Path knownHosts) {
        return client.identity(key.privateKey()).option("UserKnownHostsFile", knownHosts.toString())
                .option("StrictHostKeyChecking", "yes");
    }
}
