package dev.gatehouse.sshproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.sshproxy.access.HostAndPort;
import dev.gatehouse.sshproxy.events.SessionInfo;
import dev.gatehouse.sshproxy.fixture.EchoServer;
import dev.gatehouse.sshproxy.fixture.GatewayUnderTest;
import dev.gatehouse.sshproxy.fixture.SshRun.Result;
import dev.gatehouse.sshproxy.fixture.TargetSshd;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Terminate, per-person session limit, idle timeout, maximum session length, fail-closed recording; for target
 * sessions and for connections that only forward ({@code ssh -N -L}).
 */
class BastionLimitsIT {

    @TempDir
    Path dir;

    @Test
    void terminateEndsALiveSessionPromptlyWithTheReasonInTheTerminal() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir)) {
            Process ssh = startSleeping(gw);
            SessionInfo session = awaitSession(gw);

            assertThat(gw.bastion.terminate(session.sessionId(), "terminated by the security team")).isTrue();

            assertThat(ssh.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ssh.exitValue()).isEqualTo(255);
            assertThat(stderr(ssh)).contains("gatehouse: terminated by the security team");
            assertThat(gw.bastion.terminate(session.sessionId(), "again")).isFalse();
        }
    }

    @Test
    void aSecondSessionBeyondThePersonsLimitIsRefused() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, config -> config.withLimits(Duration.ofMinutes(5), 1))) {
            Process first = startSleeping(gw);
            SessionInfo session = awaitSession(gw);

            Result second = gw.alice.ssh(gw.direct("root", "web-01", "true"));

            assertThat(second.exitCode()).isEqualTo(255);
            assertThat(second.stderr()).contains("too many concurrent sessions for alice (limit 1)");
            gw.bastion.terminate(session.sessionId(), "test over");
            first.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anIdleSessionIsClosedWithAMessage() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, config -> config.withLimits(Duration.ofSeconds(2), 20))) {
            Result result = gw.alice.ssh(gw.direct("root", "web-01", "sleep 30; echo not-reached"));

            assertThat(result.exitCode()).isEqualTo(255);
            assertThat(result.out()).doesNotContain("not-reached");
            assertThat(result.stderr()).containsIgnoringCase("idle");
        }
    }

    @Test
    void keepAlivesTheClientAnswersDoNotKeepAnIdleSessionOpen() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, config -> config.withLimits(Duration.ofSeconds(3), 20)
                .withKeepAlive(Duration.ofMillis(500)))) {
            Result result = gw.alice.ssh(gw.direct("root", "web-01", "sleep 30; echo not-reached"));

            assertThat(result.exitCode()).isEqualTo(255);
            assertThat(result.out()).doesNotContain("not-reached");
            assertThat(result.stderr()).containsIgnoringCase("idle");
        }
    }

    @Test
    void aSessionReachingTheRolesMaximumLengthIsClosedWithAMessage() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir)) {
            gw.decider.maxSessionLength(Duration.ofSeconds(2));

            Result result = gw.alice.ssh(gw.direct("root", "web-01", "sleep 30; echo not-reached"));

            assertThat(result.exitCode()).isEqualTo(255);
            assertThat(result.out()).doesNotContain("not-reached");
            assertThat(result.stderr()).contains("gatehouse: this session ends in 1 s (maximum session length of 2 s)")
                    .contains("maximum session length of 2 s reached");
        }
    }

    @Test
    void whileRecordingIsUnavailableNewSessionsAreRefused() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir)) {
            gw.events.accepting(false);

            Result result = gw.alice.ssh(gw.direct("root", "web-01", "echo should-not-run"));

            assertThat(result.exitCode()).isEqualTo(255);
            assertThat(result.out()).doesNotContain("should-not-run");
            assertThat(result.stderr()).contains("recording is unavailable");
        }
    }

    @Test
    void whenTheRecorderFailedTheRefusalSaysWhy() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir)) {
            gw.recorder.unavailable("the audit recorder failed (java.lang.OutOfMemoryError); restart this node");

            Result result = gw.alice.ssh(gw.direct("root", "web-01", "echo should-not-run"));

            assertThat(result.exitCode()).isEqualTo(255);
            assertThat(result.out()).doesNotContain("should-not-run");
            assertThat(result.stderr()).contains("the audit recorder failed (java.lang.OutOfMemoryError)");
            assertThat(gw.events.denials).anyMatch(d -> d.reason().contains("audit recorder failed"));
        }
    }

    @Test
    void terminateEndsAForwardOnlyConnectionWithTheReason() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir); EchoServer echo = new EchoServer()) {
            int localPort = TargetSshd.freePort();
            Process ssh = startForwarding(gw, echo, localPort);
            try (Socket flow = EchoServer.openFlow(localPort)) {
                SessionInfo session = awaitForwardOnlySession(gw);

                assertThat(gw.bastion.terminate(session.sessionId(), "terminated by the security team")).isTrue();

                assertThat(ssh.waitFor(5, TimeUnit.SECONDS)).as("ssh -N ended").isTrue();
                assertThat(ssh.exitValue()).isEqualTo(255);
                assertThat(stderr(ssh)).contains("gatehouse: terminated by the security team");
                assertThat(gw.events.await(e -> e.equals("end " + session.sessionId()
                        + " terminated by the security team"))).isTrue();
            } finally {
                ssh.destroyForcibly();
            }
        }
    }

    @Test
    void aForwardOnlyConnectionCountsTowardThePersonsLimit() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, config -> config.withLimits(Duration.ofMinutes(5), 1));
             EchoServer echo = new EchoServer()) {
            int localPort = TargetSshd.freePort();
            Process forwarding = startForwarding(gw, echo, localPort);
            try (Socket flow = EchoServer.openFlow(localPort)) {
                Result second = gw.alice.ssh(gw.direct("root", "web-01", "echo should-not-run"));

                assertThat(second.exitCode()).isEqualTo(255);
                assertThat(second.out()).doesNotContain("should-not-run");
                assertThat(second.stderr()).contains("too many concurrent sessions for alice (limit 1)");
            } finally {
                forwarding.destroyForcibly();
            }
        }
    }

    @Test
    void aForwardOnlyConnectionEndsAtTheMaximumSessionLength() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir); EchoServer echo = new EchoServer()) {
            gw.decider.maxSessionLength(Duration.ofSeconds(2));
            int localPort = TargetSshd.freePort();
            Process ssh = startForwarding(gw, echo, localPort);
            try (Socket flow = EchoServer.openFlow(localPort)) {
                assertThat(ssh.waitFor(10, TimeUnit.SECONDS)).as("ssh -N ended").isTrue();
                assertThat(stderr(ssh)).contains("maximum session length of 2 s reached");
            } finally {
                ssh.destroyForcibly();
            }
        }
    }

    /** {@code ssh -N -L localPort:echo} as alice, with the echo service granted to her. */
    static Process startForwarding(GatewayUnderTest gw, EchoServer echo, int localPort) throws IOException {
        gw.decider.allowForward("alice", new HostAndPort("127.0.0.1", echo.port()));
        return gw.alice.client().port(gw.bastion.port()).option("ExitOnForwardFailure", "yes")
                .flags("-N", "-L", localPort + ":127.0.0.1:" + echo.port()).arguments("alice@127.0.0.1").process()
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    }

    static SessionInfo awaitForwardOnlySession(GatewayUnderTest gw) throws InterruptedException {
        assertThat(gw.events.await(e -> e.equals("start alice -@-"))).isTrue();
        return gw.events.started.stream().filter(s -> s.login().equals("-")).reduce((a, b) -> b).orElseThrow();
    }

    static Process startSleeping(GatewayUnderTest gw) throws IOException {
        return gw.alice.client().arguments(gw.direct("root", "web-01", "sleep 60")).process().redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
    }

    static SessionInfo awaitSession(GatewayUnderTest gw) throws InterruptedException {
        assertThat(gw.events.await(e -> e.startsWith("exec sleep 60"))).isTrue();
        return gw.events.started.getLast();
    }

    static String stderr(Process process) throws IOException {
        return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
