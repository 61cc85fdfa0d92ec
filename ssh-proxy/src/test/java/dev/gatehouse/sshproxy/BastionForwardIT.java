package dev.gatehouse.sshproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.sshproxy.access.HostAndPort;
import dev.gatehouse.sshproxy.fixture.AgainstOneTarget;
import dev.gatehouse.sshproxy.fixture.EchoServer;
import dev.gatehouse.sshproxy.fixture.SshRun.Result;
import dev.gatehouse.sshproxy.fixture.TargetSshd;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** -L and -W only to granted destinations, each flow an event; -R refused and reported. */
class BastionForwardIT extends AgainstOneTarget {

    static EchoServer granted;
    static EchoServer notGranted;

    @BeforeAll
    static void echoServices() throws Exception {
        granted = new EchoServer();
        notGranted = new EchoServer();
        gw.decider.allowForward("alice", new HostAndPort("127.0.0.1", granted.port()));
    }

    @AfterAll
    static void stopEchoServices() throws Exception {
        granted.close();
        notGranted.close();
    }

    @Test
    void localForwardToAGrantedServiceCarriesBytesBothWaysAndIsAFlowEvent() throws Exception {
        int localPort = TargetSshd.freePort();
        Process ssh = gw.alice.client().port(gw.bastion.port()).option("ExitOnForwardFailure", "yes")
                .flags("-N", "-L", localPort + ":127.0.0.1:" + granted.port()).arguments("alice@127.0.0.1").process()
                .start();
        try {
            String echoed = exchange(localPort, "hello through the gateway\n");

            assertThat(echoed).isEqualTo("hello through the gateway\n");
            assertThat(gw.events.await(e -> e.equals("flow 127.0.0.1:" + granted.port() + " out=26 in=26"))).isTrue();
            assertThat(gw.recorder.sessions()).anyMatch(tape -> tape.flows().stream()
                    .anyMatch(flow -> flow.destination().equals("127.0.0.1:" + granted.port())
                            && flow.bytesToTarget() == 26 && flow.bytesFromTarget() == 26));
        } finally {
            ssh.destroy();
            ssh.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void stdioForwardToAGrantedServiceWorks() throws Exception {
        Path input = dir.resolve("w-input");
        Files.writeString(input, "ping\n");

        Result result = gw.alice.sshWithInput(input.toFile(), "-p", String.valueOf(gw.bastion.port()),
                "-W", "127.0.0.1:" + granted.port(), "alice@127.0.0.1");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.out()).isEqualTo("ping\n");
    }

    @Test
    void forwardToADestinationNoRoleGrantsIsRefusedWithTheReason() throws Exception {
        Result result = gw.alice.ssh("-p", String.valueOf(gw.bastion.port()), "-W",
                "127.0.0.1:" + notGranted.port(), "alice@127.0.0.1");

        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(result.stderr()).contains("not allowed to forward to 127.0.0.1:" + notGranted.port());
        assertThat(gw.events.denials).anyMatch(d -> d.request().equals("forward 127.0.0.1:" + notGranted.port()));
    }

    @Test
    void aGrantedForwardWhoseDialFailsIsAnAuditEventWithTheReason() throws Exception {
        int nobodyListens = TargetSshd.freePort();
        gw.decider.allowForward("alice", new HostAndPort("127.0.0.1", nobodyListens));

        Result result = gw.alice.ssh("-p", String.valueOf(gw.bastion.port()), "-W", "127.0.0.1:" + nobodyListens,
                "alice@127.0.0.1");

        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(gw.events.denials).anyMatch(d -> d.request().startsWith("forward 127.0.0.1:" + nobodyListens)
                && d.reason().equals("dial failed: 127.0.0.1:" + nobodyListens + ": connection refused"));
    }

    @Test
    void remoteForwardingIsRefusedAndReported() throws Exception {
        Result result = gw.alice.ssh("-p", String.valueOf(gw.bastion.port()), "-N", "-o",
                "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:" + granted.port(), "alice@127.0.0.1");

        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(result.stderr()).contains("remote port forwarding failed");
        assertThat(gw.events.denials).anyMatch(d -> d.request().startsWith("remote forward"));
    }

    private static String exchange(int localPort, String text) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        while (true) {
            try (Socket socket = new Socket("127.0.0.1", localPort)) {
                OutputStream out = socket.getOutputStream();
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
                socket.shutdownOutput();
                InputStream in = socket.getInputStream();
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.net.ConnectException notListeningYet) {
                if (Instant.now().isAfter(deadline)) {
                    throw notListeningYet;
                }
                Thread.sleep(50);
            }
        }
    }
}
