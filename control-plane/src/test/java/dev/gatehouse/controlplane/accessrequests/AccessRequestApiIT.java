package dev.gatehouse.controlplane.accessrequests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.ConsoleClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/v1/access-requests} over real HTTP, per caller kind: anonymous, a bastion node's and an agent's
 * credentials (401), a person with no scope (asks, cancels, cannot decide their own), a named approver (decides), an
 * auditor (reads, asks as a person, cannot decide), an admin token (decides, cannot ask: not a person). Every refusal
 * by the rules is an {@code access-request.refused} event.
 */
class AccessRequestApiIT extends GatehouseTestApplication {

    private static final String PASSWORD = "access-requests-password";

    private String role;
    private String person;
    private String approver;
    private String auditor;

    @BeforeEach
    void people() {
        AccessFixture access = new AccessFixture(api, ADMIN);
        approver = access.person("jit-approver").password(PASSWORD).create();
        person = access.person("jit-person").password(PASSWORD).create();
        auditor = access.person("jit-auditor").apiScope("auditor").password(PASSWORD).create();
        AccessFixture.Role jit = access.role("jit-role");
        role = jit.logins("root").hostLabel("jit", jit.name()).approvers(approver).maxRequestMinutes(90).create();
    }

    @Test
    void personAsksApproverApprovesThenTheRoleIsGrantedAndEachStepAudited() {
        ConsoleClient asker = ConsoleClient.signIn(api, person, PASSWORD);
        ApiClient.Reply asked = asker.send("POST", "/api/v1/access-requests", body(role, 30, "INC-42 restart the db"));
        assertThat(asked.status()).as(asked.toString()).isEqualTo(201);
        String id = asked.json().get("id").asString();
        assertThat(asked.json().get("status").asString()).isEqualTo("pending");
        assertThat(asker.send("GET", "/api/v1/access-requests", null).body()).contains(id);

        ApiClient.Reply own = asker.send("POST", "/api/v1/access-requests/" + id + "/approve", null);
        assertThat(own.status()).isEqualTo(403);
        assertThat(own.json().get("detail").asString()).contains("person who asked");
        assertRefusalAudited(person, id);

        ConsoleClient decider = ConsoleClient.signIn(api, approver, PASSWORD);
        assertThat(decider.send("GET", "/api/v1/access-requests?view=to-decide", null).body()).contains(id);
        ApiClient.Reply approved = decider.send("POST", "/api/v1/access-requests/" + id + "/approve", null);
        assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
        assertThat(approved.json().get("status").asString()).isEqualTo("approved");
        assertThat(approved.json().get("decidedBy").asString()).isEqualTo(approver);
        assertThat(approved.json().get("expiresAt").asString()).isNotBlank();

        ApiClient.Reply again = asker.send("POST", "/api/v1/access-requests", body(role, 30, "more"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("errors").get(0).get("field").asString()).isEqualTo("role");
        assertThat(api.get("/api/v1/audit/events?type=access-request.requested&actor=" + person, ADMIN).body())
                .contains("access-request:" + id);
        assertThat(api.get("/api/v1/audit/events?type=access-request.approved&actor=" + approver, ADMIN).body())
                .contains("access-request:" + id);
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        ConsoleClient asker = ConsoleClient.signIn(api, person, PASSWORD);
        assertField(asker.send("POST", "/api/v1/access-requests", body(role, 91, "over the role's 90")), 400, "minutes");
        assertField(asker.send("POST", "/api/v1/access-requests", body(role, 0, "none")), 400, "minutes");
        assertField(asker.send("POST", "/api/v1/access-requests", body(role, 5, "  ")), 400, "reason");
        assertField(asker.send("POST", "/api/v1/access-requests", body("no-such-" + role, 5, "x")), 400, "role");
        assertField(asker.send("POST", "/api/v1/access-requests", body("Bad Role", 5, "x")), 400, "role");
        assertField(asker.send("POST", "/api/v1/access-requests",
                body(role, 5, "x".repeat(AccessRequestRules.MAX_REASON_LENGTH + 1))), 400, "reason");
        assertField(asker.send("GET", "/api/v1/access-requests?view=everything", null), 400, "view");
        assertThat(asker.send("GET", "/api/v1/access-requests", null).json().size()).isZero();
    }

    @Test
    void anonymousNodeAndAgentCredentialsAreNotCallers() {
        String nodeToken = api.post("/api/v1/node-tokens", ADMIN, "{\"role\":\"bastion\",\"ttlSeconds\":300}").json()
                .get("token").asString();
        String network = unique("jit-net");
        created(api.post("/api/v1/networks", ADMIN, "{\"name\":\"" + network + "\"}"));
        String joinToken = api.post("/api/v1/join-tokens", ADMIN, "{\"network\":\"" + network
                + "\",\"ttlSeconds\":300}").json().get("token").asString();
        for (String token : new String[] {null, nodeToken, joinToken}) {
            ApiClient.Reply create = api.post("/api/v1/access-requests", token, body(role, 5, "let me in"));
            assertThat(create.status()).as("create with %s", token).isEqualTo(401);
            assertThat(create.contentType()).startsWith("application/problem+json");
            assertThat(api.get("/api/v1/access-requests?view=to-decide", token).status()).isEqualTo(401);
        }
    }

    @Test
    void auditorReadsAndAsksButCannotDecideAdminTokenDecidesButCannotAsk() {
        ConsoleClient asker = ConsoleClient.signIn(api, person, PASSWORD);
        String id = asker.send("POST", "/api/v1/access-requests", body(role, 10, "deploy")).json().get("id").asString();
        String auditorToken = token(unique("jit-auditor-token"), "auditor");

        assertThat(api.get("/api/v1/access-requests/" + id, auditorToken).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/access-requests/" + id + "/approve", auditorToken, null).status()).isEqualTo(403);
        assertRefusalAudited("token:", id);
        ApiClient.Reply tokenAsks = api.post("/api/v1/access-requests", ADMIN, body(role, 5, "a token asks"));
        assertThat(tokenAsks.status()).isEqualTo(403);
        assertThat(tokenAsks.json().get("detail").asString()).contains("only an enabled person");
        ConsoleClient auditorPerson = ConsoleClient.signIn(api, auditor, PASSWORD);
        assertThat(auditorPerson.send("POST", "/api/v1/access-requests", body(role, 5, "audit")).status())
                .isEqualTo(201);
        assertThat(auditorPerson.send("POST", "/api/v1/access-requests/" + id + "/deny", null).status())
                .isEqualTo(403);
        assertThat(auditorPerson.send("POST", "/api/v1/access-requests/" + id + "/cancel", null).status())
                .isEqualTo(403);
        // Someone else's request is not shown to a person who may not decide it.
        assertThat(asker.send("GET", "/api/v1/access-requests/" + id, null).status()).isEqualTo(200);
        assertThat(ConsoleClient.signIn(api, approver, PASSWORD).send("GET", "/api/v1/access-requests/"
                + java.util.UUID.randomUUID(), null).status()).isEqualTo(404);

        ApiClient.Reply denied = api.post("/api/v1/access-requests/" + id + "/deny", ADMIN, null);
        assertThat(denied.status()).as(denied.toString()).isEqualTo(200);
        assertThat(denied.json().get("status").asString()).isEqualTo("denied");
        assertThat(api.post("/api/v1/access-requests/" + id + "/approve", ADMIN, null).status()).isEqualTo(409);
        assertThat(api.get("/api/v1/audit/events?type=access-request.denied&target=access-request:" + id, ADMIN)
                .json().get("events").size()).isEqualTo(1);
    }

    @Test
    void personCancelsTheirPendingRequestAndAtMostThreeWait() {
        ConsoleClient asker = ConsoleClient.signIn(api, person, PASSWORD);
        String first = asker.send("POST", "/api/v1/access-requests", body(role, 5, "one")).json().get("id").asString();
        asker.send("POST", "/api/v1/access-requests", body(role, 5, "two"));
        asker.send("POST", "/api/v1/access-requests", body(role, 5, "three"));
        assertThat(asker.send("POST", "/api/v1/access-requests", body(role, 5, "four")).status()).isEqualTo(409);

        ApiClient.Reply cancelled = asker.send("POST", "/api/v1/access-requests/" + first + "/cancel", null);
        assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asString()).isEqualTo("cancelled");
        assertThat(asker.send("POST", "/api/v1/access-requests", body(role, 5, "four")).status()).isEqualTo(201);
        assertThat(api.get("/api/v1/audit/events?type=access-request.cancelled&target=access-request:" + first, ADMIN)
                .json().get("events").size()).isEqualTo(1);
    }

    private void assertRefusalAudited(String actorPrefix, String id) {
        assertThat(api.get("/api/v1/audit/events?type=access-request.refused&target=access-request:" + id, ADMIN)
                .body()).contains("\"actor\":\"" + actorPrefix).contains("\"outcome\":\"denied\"");
    }

    private static void assertField(ApiClient.Reply reply, int status, String field) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().get("errors").get(0).get("field").asString()).isEqualTo(field);
    }

    private static void created(ApiClient.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
    }

    private static String body(String role, int minutes, String reason) {
        return "{\"role\":\"" + role + "\",\"minutes\":" + minutes + ",\"reason\":\"" + reason + "\"}";
    }
}
