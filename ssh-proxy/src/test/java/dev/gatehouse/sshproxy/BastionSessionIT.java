package dev.gatehouse.sshproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.sshproxy.access.HostAndPort;
import dev.gatehouse.sshproxy.fixture.AgainstOneTarget;
import dev.gatehouse.sshproxy.fixture.GatewayUnderTest;
import dev.gatehouse.sshproxy.fixture.SshRun.Result;
import dev.gatehouse.testkit.OpenSshClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The three ways to pick a target, exit codes and denials, driven by the real OpenSSH client against a real sshd. */
class BastionSessionIT extends AgainstOneTarget {

    @Test
    void execWithLoginAtHostInUserNameReturnsTheRemoteExitStatus() throws Exception {
        Result result = gw.alice.ssh(gw.direct("root", "web-01", "echo hello from $(whoami); exit 7"));

        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(7);
        assertThat(result.out()).isEqualTo("hello from root\n");
        assertThat(gw.events.await(e -> e.startsWith("exec echo hello"))).isTrue();
        var tape = gw.recorder.sessions().stream()
                .filter(t -> "echo hello from $(whoami); exit 7".equals(t.start().command())).findFirst().orElseThrow();
        assertThat(tape.start().user()).isEqualTo("alice");
        assertThat(tape.start().login()).isEqualTo("root");
        assertThat(tape.start().host()).isEqualTo("web-01");
        assertThat(tape.commands()).containsExactly("echo hello from $(whoami); exit 7");
        assertThat(tape.end()).hasValueSatisfying(end -> assertThat(end.exitStatus()).isEqualTo(7));
        // This session's own events: its login carries its id, its authentication the same client address.
        String sessionId = tape.start().sessionId();
        assertThat(gw.events.await(e -> gw.auditEvents.stream().anyMatch(a -> a.type().equals("ssh.login")
                && sessionId.equals(a.sessionId())))).as("ssh.login of session %s", sessionId).isTrue();
        var login = gw.auditEvents.stream().filter(a -> a.type().equals("ssh.login") && sessionId.equals(a.sessionId()))
                .findFirst().orElseThrow();
        assertThat(login.actor()).isEqualTo("alice");
        assertThat(login.target()).isEqualTo("root@web-01");
        assertThat(gw.auditEvents).filteredOn(a -> a.type().equals("ssh.auth")
                        && login.sourceAddress().equals(a.sourceAddress()))
                .singleElement().satisfies(auth -> {
                    assertThat(auth.actor()).isEqualTo("alice");
                    assertThat(String.valueOf(auth.details().get("key"))).startsWith("SHA256:");
                });
    }

    @Test
    void targetInAnAgentNetworkIsReachedThroughTheDialer() throws Exception {
        gw.decider.host("lab-01", new HostAndPort("127.0.0.1", gw.target.port()), GatewayUnderTest.LAB_NETWORK)
                .grant("alice", "lab-01", "root");

        Result viaLogin = gw.alice.ssh(gw.direct("root", "lab-01", "echo from-lab"));
        Result viaJump = gw.alice.ssh(gw.jump("root", "lab-01", "echo from-lab"));

        assertThat(viaLogin.exitCode()).as(viaLogin.stderr()).isZero();
        assertThat(viaLogin.out()).isEqualTo("from-lab\n");
        assertThat(viaJump.out()).isEqualTo("from-lab\n");
    }

    @Test
    void targetInANetworkThisGatewayCannotReachIsReportedUnreachable() throws Exception {
        gw.decider.host("far-01", new HostAndPort("127.0.0.1", gw.target.port()), "elsewhere")
                .grant("alice", "far-01", "root");

        Result result = gw.alice.ssh(gw.direct("root", "far-01", "true"));

        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(result.stderr()).contains("host far-01 unreachable: network 'elsewhere' is not reachable");
    }

    @Test
    void proxyJumpReachesTheTargetWithoutAHostKeyPrompt() throws Exception {
        Result result = gw.alice.ssh(gw.jump("root", "web-01", "echo jumped; exit 3"));

        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(3);
        assertThat(result.out()).isEqualTo("jumped\n");
    }

    @Test
    void proxyJumpSessionRecordsTheClientsAddressNotTheBastionsOwnLoopback() throws Exception {
        // The inner SSH of a -J arrives from the bastion itself; the client here binds 127.0.0.7 to tell them apart.
        Path config = dir.resolve("alice-from-127.0.0.7");
        Files.writeString(config, Files.readString(gw.alice.config()).replace("Host *\n", "Host *\n  BindAddress 127.0.0.7\n"));
        String command = "echo jumped-from-seven";

        Result result = gw.alice.run(OpenSshClient.ssh().config(config)
                .flags("-J", "alice@127.0.0.1:" + gw.bastion.port()).arguments("root@web-01", command));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        var tape = gw.recorder.sessions().stream().filter(t -> command.equals(t.start().command())).findFirst()
                .orElseThrow();
        assertThat(tape.start().sourceAddress()).startsWith("127.0.0.7:");
        assertThat(gw.events.started).filteredOn(s -> s.sessionId().equals(tape.start().sessionId()))
                .singleElement().satisfies(s -> assertThat(s.source()).startsWith("127.0.0.7:"));
    }

    @Test
    void bareUserNameListsTheHostsAndLoginsThisPersonMayUse() throws Exception {
        Result result = gw.alice.ssh("-p", String.valueOf(gw.bastion.port()), "alice@127.0.0.1");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.out()).contains("alice, you may log in to:").containsPattern("\\n  web-01 +as root\\n")
                .contains("Connect with: ssh -J alice@127.0.0.1:" + gw.bastion.port() + " root@");
    }

    @Test
    void onATerminalTheMenuOffersAChoiceAndConnectsToIt() throws Exception {
        Path script = dir.resolve("pty-drive.py");
        Files.copy(BastionSessionIT.class.getResourceAsStream("/pty-drive.py"), script,
                StandardCopyOption.REPLACE_EXISTING);

        Result result = gw.alice.driven(script, List.of("choose", "root@web-01", "echo MENU-$((6*7)); exit 5"),
                gw.alice.client().port(gw.bastion.port()).flags("-t").arguments("alice@127.0.0.1"));

        assertThat(result.out()).contains("Choose a number").contains("MENU-42");
        assertThat(result.exitCode()).as(result.out()).isEqualTo(5);
        assertThat(gw.events.await(e -> gw.recorder.sessions().stream().anyMatch(t -> "web-01".equals(t.start().host())
                && t.start().command() == null && t.outputText().contains("MENU-42")))).as("the chosen shell recorded")
                .isTrue();
    }

    @Test
    void unknownHostIsRefusedWithTheReasonInTheTerminal() throws Exception {
        Result result = gw.alice.ssh(gw.direct("root", "web-99", "true"));

        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(result.stderr()).contains("no such host web-99");
        assertThat(gw.events.await(e -> e.equals("denied login root@web-99: no such host web-99"))).isTrue();
        assertThat(gw.events.await(e -> gw.auditEvents.stream().anyMatch(a -> a.type().equals("ssh.login.denied")
                && a.outcome().equals("denied") && "no such host web-99".equals(a.details().get("reason")))))
                .isTrue();
    }

    @Test
    void loginNotGrantedIsRefusedWithTheReasonInTheTerminal() throws Exception {
        Result result = gw.alice.ssh(gw.direct("postgres", "web-01", "true"));

        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(result.stderr()).contains("not allowed to log in as postgres on web-01");
    }

    @Test
    void proxyJumpToAnUnknownHostIsRefusedWithTheReason() throws Exception {
        Result result = gw.alice.ssh(gw.jump("root", "web-99", "true"));

        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(result.stderr()).contains("no such host web-99");
    }
}
