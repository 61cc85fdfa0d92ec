package dev.gatehouse.sshproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.sshproxy.access.HostAndPort;
import dev.gatehouse.sshproxy.fixture.AgainstOneTarget;
import dev.gatehouse.sshproxy.fixture.SshRun;
import dev.gatehouse.sshproxy.fixture.SshRun.Result;
import dev.gatehouse.sshproxy.fixture.TargetSshd;
import dev.gatehouse.testkit.TestKeys;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Refusals say why, in the user's terminal, and are reported as events. */
class BastionRefusalIT extends AgainstOneTarget {

    @Test
    void targetThatRefusesConnectionsIsReportedUnreachable() throws Exception {
        gw.decider.host("web-down", new HostAndPort("127.0.0.1", TargetSshd.freePort()))
                .grant("alice", "web-down", "root");

        Result result = gw.alice.ssh(gw.direct("root", "web-down", "true"));

        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(result.stderr()).contains("host web-down unreachable: connection refused");
    }

    @Test
    void targetThatAcceptsButNeverAnswersIsReportedUnreachableAfterTheConnectTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            gw.decider.host("web-hung", new HostAndPort("127.0.0.1", silent.getLocalPort()))
                    .grant("alice", "web-hung", "root");

            Result result = gw.alice.ssh(gw.direct("root", "web-hung", "true"));

            // The gateway's own timer ended the wait (the default, 4 s), not the client giving up.
            assertThat(result.exitCode()).isEqualTo(255);
            assertThat(result.stderr()).contains("host web-hung unreachable: no answer from 127.0.0.1:"
                    + silent.getLocalPort() + " within 4 s");
        }
    }

    @Test
    void targetPresentingAnotherHostKeyThanPinnedIsRefused() throws Exception {
        gw.decider.host("web-pinned", new HostAndPort("127.0.0.1", gw.target.port()))
                .grant("alice", "web-pinned", "root")
                .pin("web-pinned", TestKeys.p256().getPublic());

        Result result = gw.alice.ssh(gw.direct("root", "web-pinned", "echo should-not-run"));

        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(result.out()).doesNotContain("should-not-run");
        assertThat(result.stderr()).contains("host key of web-pinned does not match the key on record");
        assertThat(gw.events.await(e -> e.startsWith("denied login root@web-pinned: host key of web-pinned"))).isTrue();
    }

    @Test
    void firstContactPinsTheTargetsHostKey() throws Exception {
        gw.decider.host("web-new", new HostAndPort("127.0.0.1", gw.target.port())).grant("alice", "web-new", "root");

        Result result = gw.alice.ssh(gw.direct("root", "web-new", "true"));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(gw.decider.pinnedKey("web-new")).contains(gw.target.hostKey());
    }

    @Test
    void keyRevokedBetweenTwoSessionsIsRefusedTheSecondTime() throws Exception {
        SshRun bob = SshRun.create(dir.resolve("bob"), gw.ca.knownHostsLine());
        gw.decider.user("bob", bob.key().publicKey()).grant("bob", "web-01", "root");

        Result first = bob.ssh(gw.direct("root", "web-01", "echo first"));
        gw.decider.revoke(bob.key().publicKey());
        Result second = bob.ssh(gw.direct("root", "web-01", "echo second"));

        assertThat(first.exitCode()).as(first.stderr()).isZero();
        assertThat(first.out()).isEqualTo("first\n");
        assertThat(second.exitCode()).isEqualTo(255);
        assertThat(second.stderr()).contains("Permission denied (publickey,keyboard-interactive)");
        assertThat(gw.events.denials).anyMatch(d -> d.request().equals("auth publickey")
                && d.reason().startsWith("unknown or revoked key"));
    }

    @Test
    void theUserCertificateNamesThePersonTheLoginAndTheSession() throws Exception {
        Result result = gw.alice.ssh(gw.direct("root", "web-01", "true"));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        var certificate = gw.ca.issuedUserCertificates().getLast();
        assertThat(certificate.getId()).startsWith("gatehouse:alice:");
        assertThat(certificate.getPrincipals()).containsExactly("root");
        assertThat(gw.events.started).anyMatch(s -> certificate.getId().endsWith(s.sessionId()));
    }
}
