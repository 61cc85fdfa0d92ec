package dev.gatehouse.sshproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.gatehouse.sshproxy.access.Forwarding;
import dev.gatehouse.sshproxy.access.HostAndPort;
import dev.gatehouse.sshproxy.fixture.EchoServer;
import dev.gatehouse.sshproxy.fixture.GatewayUnderTest;
import dev.gatehouse.sshproxy.fixture.SshRun.Result;
import dev.gatehouse.sshproxy.fixture.TargetSshd;
import dev.gatehouse.testkit.NetworkNamespace;
import dev.gatehouse.testkit.OpenSshServer;
import dev.gatehouse.testkit.SshKeyFiles;
import dev.gatehouse.testkit.SshKeys;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwards inside a target session are the target's: a real sshd in a network namespace, a service on the namespace's
 * own 127.0.0.1 (the gateway's 127.0.0.1 holds a decoy on the same port), reached with {@code -L}, {@code -D} and a
 * VS Code-like exec-then-forward, by {@code login@host} and by {@code -J}; refused with the reason where no role
 * allows port forwarding. Needs root and {@code ip netns}; skipped otherwise.
 */
class TargetForwardIT {

    private static final String ALLOWED = "box";
    private static final String SEALED = "sealed";

    @TempDir
    static Path dir;
    static GatewayUnderTest gw;
    static NetworkNamespace lab;
    static EchoServer decoy;
    static int service;
    static Path serviceScript;
    /** The output of the last ssh client started, for failure messages. */
    static Path clientLog;
    static Path agentSocket;

    @BeforeAll
    static void targetInANamespace() throws Exception {
        assumeThat(NetworkNamespace.available()).as("TargetForwardIT needs root and 'ip netns'").isTrue();
        gw = new GatewayUnderTest(dir);
        lab = NetworkNamespace.create();
        // The same port on the gateway's loopback answers differently: reaching it would be the bug.
        decoy = new EchoServer();
        service = decoy.port();
        serviceScript = Files.writeString(dir.resolve("service.sh"),
                "read line\nprintf 'HTTP/1.0 200 OK\\r\\nContent-Length: 6\\r\\n\\r\\ninside'\n");
        lab.start(dir.resolve("service.log"), "socat", "TCP-LISTEN:" + service + ",bind=127.0.0.1,reuseaddr,fork",
                "EXEC:sh " + serviceScript);

        SshKeyFiles hostKey = SshKeys.ed25519(Files.createDirectories(dir.resolve("hostkey")));
        Path userCa = Files.writeString(dir.resolve("user_ca.pub"), gw.ca.userCaLine() + "\n");
        Path sshdConfig = Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "Port 22", "ListenAddress " + lab.namespaceAddress(), "HostKey " + hostKey.privateKey(),
                "TrustedUserCAKeys " + userCa, "AuthorizedKeysFile none", "PasswordAuthentication no",
                "KbdInteractiveAuthentication no", "UsePAM no", "LogLevel VERBOSE",
                "PidFile " + dir.resolve("sshd.pid"), OpenSshServer.cleanHomeLine(dir), ""));
        lab.start(dir.resolve("sshd.log"), "/usr/sbin/sshd", "-D", "-e", "-f", sshdConfig.toString());
        Instant deadline = Instant.now().plusSeconds(30);
        while (!NetworkNamespace.reachableFromHere(lab.namespaceAddress(), 22)) {
            assertThat(Instant.now()).as("sshd in the namespace: %s", sshdLog()).isBefore(deadline);
            Thread.sleep(100);
        }
        HostAndPort address = new HostAndPort(lab.namespaceAddress(), 22);
        gw.decider.host(ALLOWED, address).grant("alice", ALLOWED, "root")
                .forwarding("alice", ALLOWED, new Forwarding(true, true, true))
                .host(SEALED, address).grant("alice", SEALED, "root");
    }

    @AfterAll
    static void stop() throws Exception {
        if (lab != null) {
            lab.close();
        }
        if (decoy != null) {
            decoy.close();
        }
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void localForwardThroughLoginAtHostReachesTheTargetsLoopbackAndIsAFlow() throws Exception {
        int localPort = TargetSshd.freePort();
        assertThat(requestThrough(localPort, gw.direct("root", ALLOWED, "-N", "-o", "ExitOnForwardFailure=yes",
                "-L", localPort + ":127.0.0.1:" + service))).endsWith("inside");
        assertThat(gw.events.await(e -> e.startsWith("flow 127.0.0.1:" + service + " out=16 in="))).isTrue();
        assertThat(extensions(lastCertificate())).contains("permit-port-forwarding");
    }

    @Test
    void localForwardThroughProxyJumpReachesTheTargetsLoopback() throws Exception {
        int localPort = TargetSshd.freePort();
        assertThat(requestThrough(localPort, gw.jump("root", ALLOWED, "-N", "-o", "ExitOnForwardFailure=yes",
                "-L", localPort + ":127.0.0.1:" + service))).endsWith("inside");
    }

    @Test
    void aForwardOnlySessionToATargetIsTerminableWithTheReasonShown() throws Exception {
        int localPort = TargetSshd.freePort();
        Process ssh = client(gw.direct("root", ALLOWED, "-N", "-o", "ExitOnForwardFailure=yes",
                "-L", localPort + ":127.0.0.1:" + service));
        try {
            assertThat(request(localPort, ssh)).endsWith("inside");
            String sessionId = gw.events.started.stream()
                    .filter(started -> started.targetName().equals(ALLOWED)).toList().getLast().sessionId();

            assertThat(gw.bastion.terminate(sessionId, "forward ended by the security team")).isTrue();

            assertThat(ssh.waitFor(10, TimeUnit.SECONDS)).as("ssh -N -L ended").isTrue();
            assertThat(NetworkNamespace.read(clientLog)).contains("forward ended by the security team");
        } finally {
            stop(ssh);
        }
    }

    @Test
    void dynamicForwardResolvesAtTheTarget() throws Exception {
        int socksPort = TargetSshd.freePort();
        Process ssh = client(gw.direct("root", ALLOWED, "-N", "-o", "ExitOnForwardFailure=yes",
                "-D", "127.0.0.1:" + socksPort));
        try {
            Result curl = awaitListening(socksPort, ssh, () -> gw.alice.run(List.of("curl", "-s", "-S",
                    "--max-time", "20", "--socks5-hostname", "127.0.0.1:" + socksPort,
                    "http://localhost:" + service + "/")));
            assertThat(curl.exitCode()).as(curl.stderr()).isZero();
            assertThat(curl.out()).isEqualTo("inside");
        } finally {
            stop(ssh);
        }
    }

    @Test
    void anExecStartsAListenerOnTheTargetsLoopbackAndAForwardOnTheSameConnectionReachesIt() throws Exception {
        execThenForward(true);
    }

    @Test
    void theSameExecThenForwardWorksThroughProxyJump() throws Exception {
        execThenForward(false);
    }

    /** What VS Code Remote-SSH does: start its server with an exec, then forward to it on the target's 127.0.0.1. */
    private static void execThenForward(boolean loginAtHost) throws Exception {
        int localPort = TargetSshd.freePort();
        int remotePort = 20000 + ThreadLocalRandom.current().nextInt(20000);
        String[] rest = {"-o", "ExitOnForwardFailure=yes", "-L", localPort + ":127.0.0.1:" + remotePort,
                "exec timeout 60 socat TCP-LISTEN:" + remotePort + ",bind=127.0.0.1,reuseaddr,fork EXEC:'sh "
                        + serviceScript + "'"};
        Process ssh = client(loginAtHost ? gw.direct("root", ALLOWED, rest) : gw.jump("root", ALLOWED, rest));
        try {
            Instant deadline = Instant.now().plusSeconds(30);
            String reply = "";
            while (!reply.endsWith("inside") && Instant.now().isBefore(deadline)) {
                try {
                    reply = request(localPort, ssh);
                } catch (IOException notYetListening) {
                    // Until the listener is up the target refuses the channel and ssh drops the local connection.
                    reply = "";
                }
                Thread.sleep(100);
            }
            assertThat(reply).endsWith("inside");
        } finally {
            stop(ssh);
        }
    }

    @Test
    void withoutPortForwardingAForwardByLoginAtHostIsRefusedWithTheReason() throws Exception {
        Result result = gw.alice.ssh(gw.direct("root", SEALED, "-W", "127.0.0.1:" + service));

        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(result.stderr()).contains("port forwarding to 127.0.0.1:" + service + " on " + SEALED
                + " is not allowed");
        assertThat(gw.events.denials).anyMatch(d -> d.request().equals("forward 127.0.0.1:" + service)
                && d.reason().contains(SEALED));
        assertThat(extensions(lastCertificate())).doesNotContain("permit-port-forwarding")
                .doesNotContain("permit-agent-forwarding");
    }

    @Test
    void withoutPortForwardingAForwardThroughProxyJumpIsRefusedWithTheReason() throws Exception {
        Result result = gw.alice.ssh(gw.jump("root", SEALED, "-W", "127.0.0.1:" + service));

        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(result.stderr()).contains("port forwarding to 127.0.0.1:" + service + " on " + SEALED
                + " is not allowed");
    }

    @Test
    void withoutPortForwardingADynamicForwardIsRefusedWithTheReason() throws Exception {
        int socksPort = TargetSshd.freePort();
        Path log = dir.resolve("refused-socks.log");
        Process ssh = gw.alice.client().arguments(gw.direct("root", SEALED, "-N", "-o", "ExitOnForwardFailure=yes",
                "-D", "127.0.0.1:" + socksPort)).process().redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Result curl = awaitListening(socksPort, ssh, () -> gw.alice.run(List.of("curl", "-s",
                    "--max-time", "20", "--socks5-hostname", "127.0.0.1:" + socksPort,
                    "http://127.0.0.1:" + service + "/")));
            assertThat(curl.exitCode()).isNotZero();
            assertThat(curl.out()).isEmpty();
        } finally {
            stop(ssh);
        }
        assertThat(Files.readString(log)).contains("port forwarding to 127.0.0.1:" + service + " on " + SEALED
                + " is not allowed");
    }

    @Test
    void remoteForwardListensOnTheTargetsLoopbackAndReachesTheClientsSide() throws Exception {
        int remotePort = 20000 + ThreadLocalRandom.current().nextInt(20000);
        // The client's side of the forward is the echo on this machine's 127.0.0.1.
        Process ssh = client(gw.direct("root", ALLOWED, "-N", "-o", "ExitOnForwardFailure=yes",
                "-R", "127.0.0.1:" + remotePort + ":127.0.0.1:" + service));
        try {
            Instant deadline = Instant.now().plusSeconds(30);
            String echoed = "";
            for (int attempt = 0; !echoed.contains("hello-remote") && Instant.now().isBefore(deadline); attempt++) {
                assertThat(ssh.isAlive()).as("ssh -R: %s", NetworkNamespace.read(clientLog)).isTrue();
                Path log = dir.resolve("remote-" + attempt + ".log");
                Process probe = lab.start(log, "sh", "-c", "printf hello-remote | socat -t 5 - TCP:127.0.0.1:"
                        + remotePort);
                probe.waitFor(20, TimeUnit.SECONDS);
                echoed = NetworkNamespace.read(log);
                Thread.sleep(200);
            }
            assertThat(echoed).contains("hello-remote");
            assertThat(gw.events.await(e -> e.startsWith("flow 127.0.0.1:" + remotePort + " out=12 in=12"))).isTrue();
        } finally {
            stop(ssh);
        }
    }

    @Test
    void withoutRemoteForwardingARemoteForwardIsRefusedAndTheReasonAudited() throws Exception {
        Result result = gw.alice.ssh(gw.direct("root", SEALED, "-N", "-o", "ExitOnForwardFailure=yes",
                "-R", "0:127.0.0.1:" + service));

        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(result.stderr()).contains("remote port forwarding failed");
        assertThat(gw.events.denials).anyMatch(d -> d.request().startsWith("remote forward ")
                && d.reason().equals("remote forwarding on " + SEALED + " is not allowed: no role granting this login"
                        + " there allows remote forwarding"));
    }

    @Test
    void agentForwardingReachesTheClientsAgentWhenTheRoleAllowsIt() throws Exception {
        String agentKey = startAgent();

        // IdentityAgent names the agent: the client's config says "none", which would also turn -A off.
        Result result = gw.alice.ssh(gw.direct("root", ALLOWED, "-A", "-o", "IdentityAgent=" + agentSocket,
                "ssh-add -L"));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.out()).contains(agentKey);
        assertThat(extensions(lastCertificate())).contains("permit-agent-forwarding");
    }

    @Test
    void withoutAgentForwardingTheTargetSeesNoAgentAndTheClientIsToldWhy() throws Exception {
        String agentKey = startAgent();

        Result result = gw.alice.ssh(gw.direct("root", SEALED, "-A", "-o", "IdentityAgent=" + agentSocket,
                "ssh-add -L; echo status=$?"));

        assertThat(result.out()).doesNotContain(agentKey).contains("status=2");
        assertThat(result.stderr()).contains("gatehouse: agent forwarding on " + SEALED + " is not allowed");
        assertThat(gw.events.denials).anyMatch(d -> d.request().equals("agent forwarding")
                && d.reason().contains(SEALED));
    }

    /** An ssh-agent on this machine ({@link #agentSocket}) holding one key, stopped with the namespace; the key. */
    private static String startAgent() throws Exception {
        Path home = Files.createDirectories(dir.resolve("agent-" + System.nanoTime()));
        Path socket = home.resolve("agent.sock");
        agentSocket = socket;
        lab.startOnHost(home.resolve("agent.log"), "ssh-agent", "-D", "-a", socket.toString());
        SshKeyFiles key = SshKeys.ed25519(home);
        Instant deadline = Instant.now().plusSeconds(10);
        while (!Files.exists(socket)) {
            assertThat(Instant.now()).as("ssh-agent: %s", NetworkNamespace.read(home.resolve("agent.log")))
                    .isBefore(deadline);
            Thread.sleep(50);
        }
        ProcessBuilder add = new ProcessBuilder("ssh-add", key.privateKey().toString())
                .redirectErrorStream(true);
        add.environment().put("SSH_AUTH_SOCK", socket.toString());
        Process adding = add.start();
        String said = new String(adding.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(adding.waitFor(10, TimeUnit.SECONDS) && adding.exitValue() == 0).as(said).isTrue();
        return key.publicKeyLine().split(" ")[1];
    }

    private static Process client(String... args) throws IOException {
        clientLog = dir.resolve("client-" + System.nanoTime() + ".log");
        return gw.alice.client().arguments(args).process().redirectErrorStream(true)
                .redirectOutput(clientLog.toFile()).start();
    }

    /** Starts ssh with {@code args}, then {@link #request}s through {@code localPort} and stops it. */
    private static String requestThrough(int localPort, String... args) throws Exception {
        Process ssh = client(args);
        try {
            return request(localPort, ssh);
        } finally {
            stop(ssh);
        }
    }

    /** An HTTP request to the forwarded port once ssh listens; the whole reply. */
    private static String request(int localPort, Process ssh) throws Exception {
        return awaitListening(localPort, ssh, () -> {
            try (Socket socket = new Socket("127.0.0.1", localPort)) {
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write("GET / HTTP/1.0\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                InputStream in = socket.getInputStream();
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        });
    }

    private interface Attempt<T> {
        T run() throws Exception;
    }

    /** Runs {@code attempt} once ssh listens on {@code port} (retrying while nothing does). */
    private static <T> T awaitListening(int port, Process ssh, Attempt<T> attempt) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        while (!NetworkNamespace.reachableFromHere("127.0.0.1", port)) {
            assertThat(ssh.isAlive()).as("ssh exited early: %s; sshd: %s",
                    clientLog == null ? "" : NetworkNamespace.read(clientLog), sshdLog()).isTrue();
            assertThat(Instant.now()).as("ssh never listened on %s", port).isBefore(deadline);
            Thread.sleep(50);
        }
        return attempt.run();
    }

    private static void stop(Process ssh) throws InterruptedException {
        ssh.destroy();
        ssh.waitFor(10, TimeUnit.SECONDS);
    }

    private static OpenSshCertificate lastCertificate() {
        List<OpenSshCertificate> issued = gw.ca.issuedUserCertificates();
        assertThat(issued).isNotEmpty();
        return issued.getLast();
    }

    /** What {@code ssh-keygen -L} says about the certificate. */
    private static String extensions(OpenSshCertificate certificate) throws Exception {
        Path file = dir.resolve("issued-" + System.nanoTime() + "-cert.pub");
        Files.writeString(file, PublicKeyEntry.toString(certificate) + "\n");
        Result listed = gw.alice.run(List.of("ssh-keygen", "-L", "-f", file.toString()));
        assertThat(listed.exitCode()).as(listed.stderr()).isZero();
        return listed.out();
    }

    private static String sshdLog() {
        return NetworkNamespace.read(dir.resolve("sshd.log"));
    }
}
