package dev.gatehouse.sshproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.recording.InMemorySessionRecorder;
import dev.gatehouse.sshproxy.access.HostAndPort;
import dev.gatehouse.sshproxy.events.SessionInfo;
import dev.gatehouse.sshproxy.fixture.GatewayUnderTest;
import dev.gatehouse.testkit.BreakableLink;
import dev.gatehouse.sshproxy.fixture.SshRun;
import dev.gatehouse.testkit.Terminal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detach and re-attach: a TCP link between the real ssh client and the gateway is reset mid-session; the gateway keeps
 * the target shell for the role's grace, and the same person connecting again the same way carries on with it.
 */
class DetachIT {

    @TempDir
    static Path dir;
    private static GatewayUnderTest gw;
    private static SshRun bob;

    @BeforeAll
    static void gatewayAndSecondPerson() throws Exception {
        // Keep-alives every second: a silently dead path is found within seconds (the default is 15 s).
        // A loaded test machine may take longer than the product's 4 s to log in to the target.
        gw = new GatewayUnderTest(dir, config -> config.withKeepAlive(Duration.ofSeconds(1))
                .withConnectTimeout(Duration.ofSeconds(15)));
        bob = SshRun.create(dir.resolve("bob"), gw.ca.knownHostsLine());
        gw.decider.user("bob", bob.key().publicKey()).grant("bob", "web-01", "root");
    }

    @Test
    void reconnectingAfterTheConnectionBrokeGivesTheSameShellItsOutputMeanwhileAndOneRecording() throws Exception {
        gw.decider.detachedFor(Duration.ofMinutes(10));
        Path go = dir.resolve("go-gap");
        // Cut once the shell has the whole line (its echo came back): keystrokes in flight would be lost with it.
        String id = breakAfter(DIRECT, "export GH_MARK=kept-$((6*7)); echo READY-$GH_MARK; while [ ! -e " + go
                + " ]; do sleep 0.1; done; echo GAP-$GH_MARK\r", "READY-kept-42", "echo GAP-$GH_MARK");
        assertThat(gw.events.await(e -> e.equals("detached " + id))).as(gw.events.events.toString()).isTrue();
        Files.createFile(go);
        eventually(() -> tape(id).outputText().contains("GAP-kept-42"));

        try (Terminal second = gw.alice.terminal(40, 100, gw.direct("root", "web-01"))) {
            second.await("gatehouse: re-attached to your session from ").await(" ago").await("GAP-kept-42");
            second.type("echo STILL-$GH_MARK; stty size\r").await("STILL-kept-42").await("40 100");
            second.type("exit\r");
            assertThat(second.exitCode()).as(second.output()).isZero();
        }

        assertThat(gw.events.await(e -> e.startsWith("end " + id))).isTrue();
        InMemorySessionRecorder.Tape tape = tape(id);
        assertThat(tape.outputText()).contains("READY-kept-42", "GAP-kept-42", "STILL-kept-42");
        assertThat(tape.markers()).hasSize(2);
        assertThat(tape.markers().get(0)).startsWith("gatehouse: connection lost from ");
        assertThat(tape.markers().get(1)).startsWith("gatehouse: re-attached from ");
        assertThat(gw.recorder.sessions().stream().filter(t -> t.start().sessionId().startsWith(id))).hasSize(1);
        eventually(() -> audited("ssh.detached", id) && audited("ssh.reattached", id));
        assertThat(gw.events.events.stream().filter(e -> e.startsWith("start alice"))).isNotEmpty();
    }

    @AfterAll
    static void stopGateway() throws Exception {
        gw.close();
    }

    @Test
    void aPathThatDiesSilentlyIsFoundByKeepAlivesAndTheShellIsKept() throws Exception {
        gw.decider.detachedFor(Duration.ofMinutes(10));
        String id;
        try (BreakableLink link = BreakableLink.to(gw.bastion.port());
             Terminal first = gw.alice.terminal(24, 80, DIRECT.apply(link.port()))) {
            first.type("export GH_MARK=silent-$((6*7)); echo READY-$GH_MARK\r").await("READY-silent-42");
            id = latestSessionOf("alice");
            link.freeze();
            assertThat(gw.events.await(e -> e.equals("detached " + id))).as(gw.events.events.toString()).isTrue();
        }

        try (Terminal second = gw.alice.terminal(24, 80, gw.direct("root", "web-01"))) {
            second.await("re-attached to your session from ");
            second.type("echo STILL-$GH_MARK\r").await("STILL-silent-42");
            second.type("exit\r");
            assertThat(second.exitCode()).as(second.output()).isZero();
        }
    }

    @Test
    void throughProxyJumpTheSameShellComesBackToo() throws Exception {
        gw.decider.detachedFor(Duration.ofMinutes(10));
        String id = breakAfter(port -> new String[] {"-J", "alice@127.0.0.1:" + port, "root@web-01"},
                "export GH_MARK=jump-$((6*7)); echo READY-$GH_MARK\r", "READY-jump-42");
        assertThat(gw.events.await(e -> e.equals("detached " + id))).isTrue();

        try (Terminal second = gw.alice.terminal(24, 80, gw.jump("root", "web-01"))) {
            second.await("gatehouse: re-attached to your session from ");
            second.type("echo STILL-$GH_MARK\r").await("STILL-jump-42");
            second.type("exit\r");
            assertThat(second.exitCode()).as(second.output()).isZero();
        }
    }

    @Test
    void anotherPersonGetsANewShellAndTheDetachedOneWaitsForItsOwner() throws Exception {
        gw.decider.detachedFor(Duration.ofMinutes(10));
        String id = detachAliceWithMark("mine");

        try (Terminal other = bob.terminal(24, 80, gw.direct("root", "web-01"))) {
            other.type("echo BOB-[$GH_MARK]\r").await("BOB-[]");
            other.type("exit\r");
            assertThat(other.exitCode()).as(other.output()).isZero();
            assertThat(other.output()).doesNotContain("re-attached");
        }
        assertThat(gw.bastion.sessions().isDetached(id)).isTrue();

        try (Terminal owner = gw.alice.terminal(24, 80, gw.direct("root", "web-01"))) {
            owner.await("re-attached to your session");
            owner.type("echo OWNER-$GH_MARK\r").await("OWNER-mine");
            owner.type("exit\r");
            assertThat(owner.exitCode()).isZero();
        }
    }

    @Test
    void theNewSuffixStartsAFreshShellWhileTheDetachedOneWaits() throws Exception {
        gw.decider.detachedFor(Duration.ofMinutes(10));
        String id = detachAliceWithMark("waiting");

        for (String[] args : List.of(gw.direct("root+new", "web-01"), gw.jump("root+new", "web-01"))) {
            try (Terminal fresh = gw.alice.terminal(24, 80, args)) {
                fresh.type("echo FRESH-[$GH_MARK]\r").await("FRESH-[]");
                fresh.type("exit\r");
                assertThat(fresh.exitCode()).as(fresh.output()).isZero();
                assertThat(fresh.output()).doesNotContain("re-attached");
            }
        }
        assertThat(gw.bastion.sessions().isDetached(id)).isTrue();
        assertThat(gw.bastion.terminate(id, "test over")).isTrue();
        assertThat(gw.bastion.sessions().isDetached(id)).isFalse();
    }

    @Test
    void withSeveralDetachedTheMenuListsThemAndReattachesTheOneChosen() throws Exception {
        gw.decider.detachedFor(Duration.ofMinutes(10));
        String older = detachAliceWithMark("older");
        // A plain connection would re-attach the first: the second asks for a new shell.
        String newer = breakAfter(port -> new String[] {"-p", String.valueOf(port), "root+new@web-01@127.0.0.1"},
                "export GH_MARK=newer; echo READY-$((6*7))\r", "READY-42");
        assertThat(gw.events.await(e -> e.equals("detached " + newer))).isTrue();

        try (Terminal menu = gw.alice.terminal(24, 80, gw.direct("root", "web-01"))) {
            menu.await("2 detached sessions of yours wait on root@web-01").await("1) re-attach root@web-01 (from ")
                    .await("3) a new session on root@web-01").await("Choose a number");
            menu.type("2\r").await("re-attached to your session from ");
            menu.type("echo PICKED-$GH_MARK\r").await("PICKED-newer");
            menu.type("exit\r");
            assertThat(menu.exitCode()).as(menu.output()).isZero();
        }
        assertThat(gw.bastion.sessions().isDetached(older)).isTrue();
        assertThat(gw.bastion.sessions().isDetached(newer)).isFalse();
        assertThat(gw.bastion.terminate(older, "test over")).isTrue();
    }

    @Test
    void whenNobodyComesBackWithinTheGraceTheTargetShellEndsWithAnAuditEvent() throws Exception {
        gw.decider.detachedFor(Duration.ofSeconds(2));
        Path pidFile = dir.resolve("expiring.pid");
        String id = breakAfter(DIRECT, "echo $$ > " + pidFile + "; echo READY-$((6*7))\r", "READY-42");
        assertThat(gw.events.await(e -> e.equals("detached " + id))).isTrue();
        long shell = Long.parseLong(Files.readString(pidFile).trim());

        assertThat(gw.events.await(e -> e.equals("expired " + id))).isTrue();
        assertThat(gw.events.await(e -> e.startsWith("end " + id + " detached for 2 s without re-attach"))).isTrue();
        eventually(() -> audited("ssh.detach.expired", id));
        eventually(() -> ProcessHandle.of(shell).map(p -> !p.isAlive()).orElse(true));
        assertThat(tape(id).markers()).last().asString().startsWith("gatehouse: nobody re-attached within 2 s");
    }

    @Test
    void aDetachedSessionEndsWhenItsPersonLosesTheLogin() throws Exception {
        gw.decider.detachedFor(Duration.ofMinutes(10));
        gw.decider.grant("alice", "web-02", "root").host("web-02", new HostAndPort("127.0.0.1", gw.target.port()));
        String id = breakAfter(port -> new String[] {"-p", String.valueOf(port), "root@web-02@127.0.0.1"},
                "echo READY-$((6*7))\r", "READY-42");
        assertThat(gw.events.await(e -> e.equals("detached " + id))).isTrue();

        gw.decider.withdrawGrant("alice", "web-02", "root");

        assertThat(gw.events.await(e -> e.startsWith("end " + id + " session ended: your access was revoked")))
                .as(gw.events.events.toString()).isTrue();
        assertThat(gw.bastion.sessions().isDetached(id)).isFalse();
    }

    @Test
    void aDetachedSessionEndsWhenTheKeyItWasOpenedWithIsRemovedThoughItsPersonKeepsTheLogin() throws Exception {
        gw.decider.detachedFor(Duration.ofMinutes(10));
        SshRun laptop = SshRun.create(dir.resolve("carol-laptop"), gw.ca.knownHostsLine());
        SshRun desktop = SshRun.create(dir.resolve("carol-desktop"), gw.ca.knownHostsLine());
        gw.decider.user("carol", laptop.key().publicKey()).user("carol", desktop.key().publicKey())
                .grant("carol", "web-01", "root");
        String id = breakAfter(laptop, "carol", DIRECT, "echo READY-$((6*7))\r", "READY-42");
        assertThat(gw.events.await(e -> e.equals("detached " + id))).isTrue();

        gw.decider.revoke(laptop.key().publicKey());

        // As for an attached session: a removed key ends what it opened, the person's other keys notwithstanding.
        assertThat(gw.events.await(e -> e.startsWith("end " + id + " session ended: your access was revoked")))
                .as(gw.events.events.toString()).isTrue();
        assertThat(gw.bastion.sessions().isDetached(id)).isFalse();
    }

    @Test
    void theUsersOwnExitOrDisconnectNeverLeavesADetachedSession() throws Exception {
        gw.decider.detachedFor(Duration.ofMinutes(10));
        try (BreakableLink link = BreakableLink.to(gw.bastion.port())) {
            String exited;
            try (Terminal session = gw.alice.terminal(24, 80, "-p", String.valueOf(link.port()),
                    "root@web-01@127.0.0.1")) {
                session.type("echo READY-$((6*7))\r").await("READY-42");
                exited = latestSessionOf("alice");
                session.type("exit\r");
                assertThat(session.exitCode()).isZero();
            }
            String escaped;
            try (Terminal session = gw.alice.terminal(24, 80, "-o", "EscapeChar=~", "-p",
                    String.valueOf(link.port()), "root@web-01@127.0.0.1")) {
                session.type("echo READY-$((6*8))\r").await("READY-48");
                escaped = latestSessionOf("alice");
                session.type("\r~.");
                session.exitCode();
            }
            assertThat(gw.events.await(e -> e.startsWith("end " + exited))).isTrue();
            assertThat(gw.events.await(e -> e.startsWith("end " + escaped))).isTrue();
            assertThat(gw.events.events).doesNotContain("detached " + exited, "detached " + escaped);
        }
    }

    @Test
    void withDetachedSecondsZeroALostConnectionEndsTheSessionAsBefore() throws Exception {
        gw.decider.detachedFor(Duration.ZERO);
        String id = breakAfter(DIRECT, "echo READY-$((6*7))\r", "READY-42");
        assertThat(gw.events.await(e -> e.startsWith("end " + id))).isTrue();
        assertThat(gw.events.events).doesNotContain("detached " + id);
        assertThat(gw.bastion.sessions().isDetached(id)).isFalse();
    }

    /** {@code ssh -p <link> root@web-01@127.0.0.1}. */
    private static final IntFunction<String[]> DIRECT = port -> new String[] {"-p", String.valueOf(port),
            "root@web-01@127.0.0.1"};

    /**
     * Alice's shell through a fresh {@link BreakableLink} ({@code args} given its port): types {@code keys}, waits
     * for each of {@code shown}, then resets the link. Returns the session's id.
     */
    private static String breakAfter(IntFunction<String[]> args, String keys, String... shown) throws Exception {
        return breakAfter(gw.alice, "alice", args, keys, shown);
    }

    /** The same for {@code person}, whose ssh is {@code ssh}. */
    private static String breakAfter(SshRun ssh, String person, IntFunction<String[]> args, String keys,
            String... shown) throws Exception {
        try (BreakableLink link = BreakableLink.to(gw.bastion.port());
             Terminal first = ssh.terminal(24, 80, args.apply(link.port()))) {
            first.type(keys);
            for (String text : shown) {
                first.await(text);
            }
            String id = latestSessionOf(person);
            link.cut();
            return id;
        }
    }

    /** Alice's shell with GH_MARK set, its connection reset; returns the detached session's id. */
    private String detachAliceWithMark(String mark) throws Exception {
        String id = breakAfter(DIRECT, "export GH_MARK=" + mark + "; echo READY-$((6*7))\r", "READY-42");
        assertThat(gw.events.await(e -> e.equals("detached " + id))).isTrue();
        return id;
    }

    private static String latestSessionOf(String username) {
        return gw.events.started.stream().filter(s -> s.username().equals(username)).map(SessionInfo::sessionId)
                .reduce((first, second) -> second).orElseThrow();
    }

    private static InMemorySessionRecorder.Tape tape(String id) {
        return gw.recorder.session(id).orElseThrow();
    }

    private static boolean audited(String type, String sessionId) {
        return gw.auditEvents.stream().map(AuditEvent.class::cast)
                .anyMatch(e -> e.type().equals(type) && sessionId.equals(e.sessionId()));
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("condition not met within 30 s; events: " + gw.events.events);
            }
            Thread.sleep(20);
        }
    }
}
