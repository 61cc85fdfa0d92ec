package dev.gatehouse.controlplane.sshapprovals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.ConsoleSignIn;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.keys.SshKeyStore;
import dev.gatehouse.controlplane.roles.RoleStore;
import dev.gatehouse.controlplane.users.UserStore;
import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.ApprovalRequest;
import dev.gatehouse.sshproxy.access.ApprovalRule;
import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.access.PendingApproval;
import dev.gatehouse.testkit.SshKeys;
import java.nio.file.Files;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code /api/v1/ssh-approvals/{code}} per caller kind: the person the login is for sees and answers it (once);
 * another person, an admin token and an anonymous caller are refused, and the refusals audited. Logins are asked for
 * through the in-process {@link AccessDecider}, as the bastion asks.
 */
class SshApprovalApiIT extends GatehouseTestApplication {

    private static final String PASSWORD = "a-person-password-0123";

    @Autowired
    AccessDecider decider;

    @Autowired
    UserStore users;

    @Autowired
    SshKeyStore keys;

    @Autowired
    RoleStore roles;

    @Autowired
    ControlPlaneAudit trail;

    @Autowired
    GatehouseSettings settings;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transactions;

    @Test
    void thePersonApprovesTheirLoginOnceAndItGoesOn() throws Exception {
        String alice = person("alice");
        PendingApproval pending = ask(alice, false);
        assertThat(pending.url()).endsWith("/approve/" + pending.code());
        ConsoleSignIn console = ConsoleSignIn.of(api, alice, PASSWORD);

        ApiClient.Reply shown = console.get("/api/v1/ssh-approvals/" + pending.code());
        assertThat(shown.status()).as(shown.body()).isEqualTo(200);
        assertThat(shown.body()).contains("\"person\":\"" + alice + "\"", "\"target\":\"root@web-01\"",
                "\"source\":\"198.51.100.7:50022\"", "SSH-2.0-OpenSSH_9.2");
        ApiClient.Reply approved = console.post("/api/v1/ssh-approvals/" + pending.code(), "{\"decision\":\"approve\"}");
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);

        Decision<GatewayUser> outcome = pending.outcome().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(outcome).isEqualTo(Decision.allow(new GatewayUser(alice)));
        assertThat(console.post("/api/v1/ssh-approvals/" + pending.code(), "{\"decision\":\"approve\"}").status())
                .as("a code is used once").isEqualTo(404);
        assertThat(events("ssh-approval.requested", alice)).contains("\"outcome\":\"success\"", "root@web-01");
        assertThat(events("ssh-approval.approved", alice)).contains("\"outcome\":\"success\"");
    }

    /**
     * A second control plane on the same database (a second {@link SshApprovals}, as another process would have):
     * a login waiting there is shown and approved through this one's API, and learns its answer within a second.
     */
    @Test
    void aLoginWaitingOnAnotherControlPlaneIsApprovedThroughThisOne() throws Exception {
        SshApprovals other = new SshApprovals(users, keys, roles, trail, Clock.systemUTC(), settings, jdbc,
                transactions);
        try {
            String alice = person("alice");
            Decision<PendingApproval> asked = other.request(request(alice, false));
            assertThat(asked).isInstanceOf(Decision.Allowed.class);
            PendingApproval pending = ((Decision.Allowed<PendingApproval>) asked).value();
            ConsoleSignIn console = ConsoleSignIn.of(api, alice, PASSWORD);
            assertThat(console.get("/api/v1/ssh-approvals/" + pending.code()).body()).contains("root@web-01");

            long approved = System.nanoTime();
            assertThat(console.post("/api/v1/ssh-approvals/" + pending.code(), "{\"decision\":\"approve\"}").status())
                    .isEqualTo(200);
            assertThat(pending.outcome().toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .isEqualTo(Decision.allow(new GatewayUser(alice)));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - approved);
            System.out.printf("[approval] answered on one control plane, heard on the other after %d ms%n", millis);
            assertThat(millis).as("within a second").isLessThan(1000);
        } finally {
            other.destroy();
        }
    }

    @Test
    void aDeniedLoginIsRefusedWithTheReason() throws Exception {
        String alice = person("alice");
        PendingApproval pending = ask(alice, false);
        ApiClient.Reply denied = ConsoleSignIn.of(api, alice, PASSWORD).post("/api/v1/ssh-approvals/" + pending.code(),
                "{\"decision\":\"deny\",\"reason\":\"not me\"}");
        assertThat(denied.status()).as(denied.body()).isEqualTo(200);

        Decision<GatewayUser> outcome = pending.outcome().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOfSatisfying(Decision.Denied.class, d -> assertThat(d.reason())
                .isEqualTo("denied by " + alice + " in the browser: not me"));
        assertThat(events("ssh-approval.denied", alice)).contains("not me");
    }

    @Test
    void anotherPersonAnAdminAndAnonymousCannotSeeOrAnswerIt() throws Exception {
        String alice = person("alice");
        String bob = person("bob");
        String admin = access().person("sec").apiScope("admin").password(PASSWORD).create();
        PendingApproval pending = ask(alice, false);
        String path = "/api/v1/ssh-approvals/" + pending.code();

        ConsoleSignIn asBob = ConsoleSignIn.of(api, bob, PASSWORD);
        assertThat(asBob.get(path).status()).isEqualTo(403);
        assertThat(asBob.post(path, "{\"decision\":\"approve\"}").status()).isEqualTo(403);
        assertThat(ConsoleSignIn.of(api, admin, PASSWORD).post(path, "{\"decision\":\"approve\"}").status())
                .as("an admin signed in to the console does not approve for others").isEqualTo(403);
        assertThat(api.post(path, ADMIN, "{\"decision\":\"approve\"}").status()).as("an admin API token").isEqualTo(403);
        assertThat(api.post(path, null, "{\"decision\":\"approve\"}").status()).as("anonymous").isEqualTo(401);

        assertThat(pending.outcome().toCompletableFuture().isDone()).as("still waiting for alice").isFalse();
        assertThat(events("ssh-approval.refused", bob)).contains("only they may approve", "\"outcome\":\"denied\"");
        assertThat(events("ssh-approval.refused", admin)).contains("only they may approve");
        decider.withdrawApproval(pending.code());
        assertThat(pending.outcome().toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isInstanceOf(Decision.Denied.class);
    }

    @Test
    void aPersonWithAKeyUsesItUnlessTheirRoleRequiresSso() throws Exception {
        String carol = personWithKey("carol");
        Decision<PendingApproval> refused = decider.requestApproval(request(carol, false));
        assertThat(refused).isInstanceOfSatisfying(Decision.Denied.class, d -> assertThat(d.reason())
                .isEqualTo(carol + " logs in with a registered key; use it"));
        assertThat(decider.requestApproval(request("nobody-" + System.nanoTime(), false)))
                .isInstanceOf(Decision.Denied.class);

        String role = access().role("sso").logins("root").requireSso().create();
        assertThat(api.get("/api/v1/roles/" + role, ADMIN).body()).contains("\"requireSso\":true");
        String dave = personWithKey("dave", role);
        assertThat(decider.approvalRule(new GatewayUser(dave))).isEqualTo(ApprovalRule.INSTEAD_OF_KEY);
        Decision<PendingApproval> allowed = decider.requestApproval(request(dave, false));
        assertThat(allowed).isInstanceOf(Decision.Allowed.class);
        decider.withdrawApproval(((Decision.Allowed<PendingApproval>) allowed).value().code());

        String second = access().role("second").logins("root").requireApproval().create();
        assertThat(decider.approvalRule(new GatewayUser(person("erin", second))))
                .isEqualTo(ApprovalRule.AFTER_KEY);
        assertThat(decider.approvalRule(new GatewayUser(carol))).isEqualTo(ApprovalRule.NONE);
    }

    private PendingApproval ask(String person, boolean afterKey) {
        Decision<PendingApproval> decision = decider.requestApproval(request(person, afterKey));
        assertThat(decision).isInstanceOf(Decision.Allowed.class);
        return ((Decision.Allowed<PendingApproval>) decision).value();
    }

    private static ApprovalRequest request(String person, boolean afterKey) {
        return new ApprovalRequest(person, "root@web-01", "198.51.100.7:50022", "SSH-2.0-OpenSSH_9.2", afterKey);
    }

    private AccessFixture access() {
        return new AccessFixture(api, ADMIN);
    }

    /** A person who signs in to the console with {@link #PASSWORD}. */
    private String person(String prefix, String... roles) {
        return access().person(prefix).roles(roles).password(PASSWORD).create();
    }

    private String personWithKey(String prefix, String... roles) throws Exception {
        String line = SshKeys.ed25519(Files.createTempDirectory("gatehouse-approval-key-")).publicKeyLine();
        return access().person(prefix).roles(roles).password(PASSWORD).key(line).create();
    }

    private String events(String type, String actor) {
        return api.get("/api/v1/audit/events?type=" + type + "&actor=" + actor, ADMIN).body();
    }
}
