package dev.gatehouse.sshproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.sshproxy.access.ApprovalRule;
import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.fixture.AgainstOneTarget;
import dev.gatehouse.sshproxy.fixture.StaticAccessDecider;
import dev.gatehouse.testkit.Terminal;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Logins approved in the browser, with the real {@code ssh} on a pseudo-terminal: keyboard-interactive shows the link
 * and code and asks nothing; the login waits until the test answers as the console would, then goes on, or ends with
 * the reason. The control plane's side (codes, expiry, who may answer) is tested in control-plane.
 */
class BrowserApprovalIT extends AgainstOneTarget {

    /** Alice's client config with no key offered and keyboard-interactive allowed: a person with no registered key. */
    private static String[] keyless() throws java.io.IOException {
        java.nio.file.Path config = gw.dir.resolve("keyless_ssh_config");
        java.nio.file.Files.writeString(config, java.nio.file.Files.readString(gw.alice.config())
                .replace("  BatchMode yes", "  BatchMode no\n  PubkeyAuthentication no"));
        return new String[] {"-F", config.toString()};
    }

    @AfterEach
    void reset() {
        gw.decider.approvals.clear();
        gw.decider.approvalRule("alice", ApprovalRule.NONE);
    }

    @Test
    void aLoginWaitsAtTheLinkAndGoesOnOnceApproved() throws Exception {
        try (Terminal terminal = gw.alice.terminal(24, 80, with(keyless(), "alice+root", "web-01"))) {
            StaticAccessDecider.Asked asked = asked();
            terminal.await("http://console.test/approve/" + asked.code()).await("code " + asked.code());
            assertThat(asked.request().person()).isEqualTo("alice");
            assertThat(asked.request().target()).isEqualTo("root@web-01");
            assertThat(asked.request().clientVersion()).startsWith("SSH-2.0-OpenSSH");
            assertThat(asked.request().keyVerified()).isFalse();
            Thread.sleep(1500);
            assertThat(terminal.output()).as("nothing goes on before the approval").doesNotContain("$ ", "# ");

            long approved = System.nanoTime();
            asked.outcome().complete(Decision.allow(new GatewayUser("alice")));
            terminal.type("echo approved-$((6*7))\r").await("approved-42");
            System.out.printf("[approval] from approval to the shell's answer: %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - approved));
            terminal.type("exit\r");
            assertThat(terminal.exitCode()).isZero();
        }
        assertThat(gw.auditEvents).anySatisfy(e -> assertThat(e.toString()).contains("ssh.auth", "approval"));
    }

    @Test
    void aDeniedLoginEndsWithTheReason() throws Exception {
        refusedSaying("denied by alice in the browser: not me");
        assertThat(gw.decider.approvals).as("one approval per connection, not one per retry").isEmpty();
    }

    @Test
    void anExpiredApprovalEndsTheLoginSayingSo() throws Exception {
        refusedSaying("not approved within 120 s");
    }

    /** A login whose approval ends with {@code reason} (as the control plane words a denial or an expiry). */
    private static void refusedSaying(String reason) throws Exception {
        try (Terminal terminal = gw.alice.terminal(24, 80, with(keyless(), "alice+root", "web-01"))) {
            StaticAccessDecider.Asked asked = asked();
            terminal.await(asked.code());
            asked.outcome().complete(Decision.deny(reason));
            assertThat(terminal.exitCode()).isNotZero();
            assertThat(terminal.output()).contains("login refused: " + reason);
        }
    }

    @Test
    void aClosedConnectionWithdrawsItsApproval() throws Exception {
        StaticAccessDecider.Asked asked;
        try (Terminal terminal = gw.alice.terminal(24, 80, with(keyless(), "alice+root", "web-01"))) {
            asked = asked();
            terminal.await(asked.code());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!gw.decider.withdrawn.contains(asked.code()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(gw.decider.withdrawn).contains(asked.code());
    }

    @Test
    void aProxyJumpIsApprovedOnceForItsOuterLogin() throws Exception {
        String[] jump = gw.jump("root", "web-01");
        String[] args = new String[] {keyless()[0], keyless()[1], jump[0], jump[1], jump[2]};
        try (Terminal terminal = gw.alice.terminal(24, 80, args)) {
            StaticAccessDecider.Asked asked = asked();
            terminal.await(asked.code());
            assertThat(asked.request().target()).isEqualTo("menu");
            asked.outcome().complete(Decision.allow(new GatewayUser("alice")));
            terminal.type("echo jumped-ok\r").await("jumped-ok");
            terminal.type("exit\r");
            assertThat(terminal.exitCode()).isZero();
        }
        assertThat(gw.decider.approvals).as("the inner login asks nothing more").isEmpty();
    }

    @Test
    void withoutAPersonInTheNameNoApprovalIsAskedAndTheClientIsToldHow() throws Exception {
        try (Terminal terminal = gw.alice.terminal(24, 80, with(keyless(), "root", "web-01"))) {
            assertThat(terminal.exitCode()).isNotZero();
            assertThat(terminal.output()).contains("put your Gatehouse user name first", "alice+root@web-01");
        }
        assertThat(gw.decider.approvals).isEmpty();
    }

    @Test
    void aRoleRequiringApprovalAfterTheKeyAsksTheKeysOwner() throws Exception {
        gw.decider.approvalRule("alice", ApprovalRule.AFTER_KEY);
        try (Terminal terminal = gw.alice.terminal(24, 80, with(new String[] {"-o", "BatchMode=no"}, "root", "web-01"))) {
            StaticAccessDecider.Asked asked = asked();
            terminal.await(asked.code());
            assertThat(asked.request().keyVerified()).isTrue();
            assertThat(asked.request().person()).isEqualTo("alice");
            asked.outcome().complete(Decision.allow(new GatewayUser("alice")));
            terminal.type("echo second-factor-ok\r").await("second-factor-ok");
            terminal.type("exit\r");
            assertThat(terminal.exitCode()).isZero();
        }
    }

    @Test
    void aRoleRequiringApprovalAfterTheKeyRefusesTheKeyAlone() throws Exception {
        gw.decider.approvalRule("alice", ApprovalRule.AFTER_KEY);
        assertThat(gw.alice.ssh(gw.direct("root", "web-01", "true")).exitCode())
                .as("BatchMode: no keyboard-interactive, so no login").isNotZero();
    }

    @Test
    void aRoleRequiringSsoTakesNoKeyOnlyAnApproval() throws Exception {
        gw.decider.approvalRule("alice", ApprovalRule.INSTEAD_OF_KEY);
        try (Terminal terminal = gw.alice.terminal(24, 80, with(new String[] {"-o", "BatchMode=no"}, "alice+root", "web-01"))) {
            StaticAccessDecider.Asked asked = asked();
            terminal.await(asked.code());
            assertThat(asked.request().keyVerified()).isFalse();
            asked.outcome().complete(Decision.allow(new GatewayUser("alice")));
            terminal.type("echo sso-ok\r").await("sso-ok");
            terminal.type("exit\r");
            assertThat(terminal.exitCode()).isZero();
        }
    }

    private static StaticAccessDecider.Asked asked() throws InterruptedException {
        StaticAccessDecider.Asked asked = gw.decider.approvals.poll(30, TimeUnit.SECONDS);
        assertThat(asked).as("the bastion asked for an approval").isNotNull();
        return asked;
    }

    private static String[] with(String[] options, String login, String host) {
        String[] direct = gw.direct(login, host);
        String[] args = new String[options.length + direct.length];
        System.arraycopy(options, 0, args, 0, options.length);
        System.arraycopy(direct, 0, args, options.length, direct.length);
        return args;
    }
}
