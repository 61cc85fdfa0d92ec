package dev.gatehouse.sshproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.sshproxy.events.SessionInfo;
import dev.gatehouse.sshproxy.fixture.GatewayUnderTest;
import dev.gatehouse.sshproxy.fixture.SshRun.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Terminate, per-person session limit, idle timeout, maximum session length, fail-closed recording. */
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

    private static Process startSleeping(GatewayUnderTest gw) throws IOException {
        List<String> command = new ArrayList<>(List.of("ssh", "-F", gw.alice.config().toString()));
        command.addAll(List.of(gw.direct("root", "web-01", "sleep 60")));
        return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
    }

    private static SessionInfo awaitSession(GatewayUnderTest gw) throws InterruptedException {
        assertThat(gw.events.await(e -> e.startsWith("exec sleep 60"))).isTrue();
        return gw.events.started.getLast();
    }

    private static String stderr(Process process) throws IOException {
        return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
