package dev.gatehouse.sshproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.sshproxy.events.SessionInfo;
import dev.gatehouse.sshproxy.fixture.EchoServer;
import dev.gatehouse.sshproxy.fixture.GatewayUnderTest;
import dev.gatehouse.sshproxy.fixture.SshRun;
import dev.gatehouse.sshproxy.fixture.TargetSshd;
import dev.gatehouse.sshproxy.session.LiveAccessCheck;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change of a person's access reaches their live connections: what would now be refused ends within 5 s with the
 * reason in the terminal, audited; what still holds goes on.
 */
class BastionRevocationIT {

    @TempDir
    Path dir;

    @Test
    void revokingTheKeyEndsTheLiveSessionAndTheForwardWithTheReason() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir); EchoServer echo = new EchoServer()) {
            Process session = BastionLimitsIT.startSleeping(gw);
            SessionInfo started = BastionLimitsIT.awaitSession(gw);
            int localPort = TargetSshd.freePort();
            Process forward = BastionLimitsIT.startForwarding(gw, echo, localPort);
            try (Socket flow = EchoServer.openFlow(localPort)) {
                SessionInfo forwardOnly = BastionLimitsIT.awaitForwardOnlySession(gw);

                gw.decider.revoke(gw.alice.key().publicKey());

                assertThat(session.waitFor(5, TimeUnit.SECONDS)).as("the session ended within 5 s").isTrue();
                assertThat(forward.waitFor(5, TimeUnit.SECONDS)).as("the forward ended within 5 s").isTrue();
                String said = "gatehouse: session ended: your access was revoked (key removed)";
                assertThat(session.exitValue()).isEqualTo(255);
                assertThat(BastionLimitsIT.stderr(session)).contains(said);
                assertThat(forward.exitValue()).isEqualTo(255);
                assertThat(BastionLimitsIT.stderr(forward)).contains(said);
                for (SessionInfo ended : List.of(started, forwardOnly)) {
                    assertThat(gw.events.await(e -> e.equals("end " + ended.sessionId()
                            + " session ended: your access was revoked (key removed)"))).isTrue();
                    assertThat(gw.events.denials).anyMatch(d -> d.request().equals(
                            "session " + ended.sessionId() + " re-checked") && d.reason().contains("revoked key"));
                }
            } finally {
                session.destroyForcibly();
                forward.destroyForcibly();
            }
        }
    }

    @Test
    void revokingTheKeyEndsAProxyJumpSessionWithTheReason() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir)) {
            Process jumped = gw.alice.client().arguments(gw.jump("root", "web-01", "sleep 62")).process()
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            try {
                assertThat(gw.events.await(e -> e.equals("exec sleep 62"))).isTrue();

                gw.decider.revoke(gw.alice.key().publicKey());

                assertThat(jumped.waitFor(5, TimeUnit.SECONDS)).as("the -J session ended within 5 s").isTrue();
                assertThat(jumped.exitValue()).isEqualTo(255);
                assertThat(BastionLimitsIT.stderr(jumped))
                        .contains("gatehouse: session ended: your access was revoked (key removed)");
            } finally {
                jumped.destroyForcibly();
            }
        }
    }

    @Test
    void withdrawingTheLoginEndsThatSessionWhileAnotherPersonsGoesOn() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir)) {
            SshRun bob = SshRun.create(dir.resolve("bob"), gw.ca.knownHostsLine());
            gw.decider.user("bob", bob.key().publicKey()).grant("bob", "web-01", "root");
            Process alices = BastionLimitsIT.startSleeping(gw);
            BastionLimitsIT.awaitSession(gw);
            Process bobs = bob.client().arguments(gw.direct("root", "web-01", "sleep 61")).process().start();
            assertThat(gw.events.await(e -> e.equals("exec sleep 61"))).isTrue();
            try {
                // Both people changed; only alice's change takes anything away.
                gw.decider.changed("bob", "role changed").withdrawGrants("alice");

                assertThat(alices.waitFor(5, TimeUnit.SECONDS)).as("alice's session ended within 5 s").isTrue();
                assertThat(BastionLimitsIT.stderr(alices))
                        .contains("gatehouse: session ended: your access was revoked (role removed)");
                assertThat(gw.events.denials).anyMatch(d -> d.username().equals("alice")
                        && d.reason().contains("not allowed to log in as root on web-01"));
                // A poll after the one that ended alice's has re-checked bob's too.
                Thread.sleep(LiveAccessCheck.PERIOD.multipliedBy(2).toMillis());
                assertThat(bobs.isAlive()).as("bob's session goes on").isTrue();
                assertThat(gw.events.denials).noneMatch(d -> d.username().equals("bob"));
            } finally {
                alices.destroyForcibly();
                bobs.destroyForcibly();
            }
        }
    }
}
