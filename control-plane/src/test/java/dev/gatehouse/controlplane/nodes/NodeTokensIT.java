package dev.gatehouse.controlplane.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.controlplane.security.OpaqueTokens;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/node-tokens}: only an admin gets a token; it is shown once, kept only as its SHA-256 and names
 * the CA a node should trust. An anonymous caller, a person signed in to the console without the admin scope and an
 * auditor's token are refused, and each refusal is an audit event naming the caller and the endpoint.
 */
class NodeTokensIT extends GatehouseTestApplication {

    private static final String CREATE = "{\"role\":\"bastion\",\"ttlSeconds\":600}";
    private static final String PASSWORD = "a-person-password-0123";

    @Test
    void anAdminGetsATokenShownOnceStoredHashedAndPinnedToTheCa() {
        ApiClient.Reply created = api.post("/api/v1/node-tokens", ADMIN, CREATE);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String token = created.json().get("token").asString();
        String id = created.json().get("id").asString();
        assertThat(token).startsWith("gh_node_");
        String ca = api.get("/api/v1/ca/x509", ADMIN).body();
        assertThat(CaPin.inToken(token)).isEqualTo(CaPin.of(dev.gatehouse.pki.x509.Pem.certificate(ca)));
        assertThat(api.get("/api/v1/node-tokens", ADMIN).body()).contains(id).doesNotContain(token)
                .doesNotContain(token.substring(8, 30));
        JdbcClient owner = JdbcClient.create(databaseOwner());
        assertThat(owner.sql("SELECT token_hash FROM node_tokens WHERE id = ?::uuid").param(id).query(String.class)
                .single()).isEqualTo(OpaqueTokens.hash(token));
        assertThat(events("node-token.created", "node-token:" + id)).hasSize(1);
        assertThat(api.post("/api/v1/node-tokens", ADMIN, "{\"role\":\"agent\",\"ttlSeconds\":600}").status())
                .isEqualTo(400);
    }

    @Test
    void anonymousCallersPersonsAndAuditorsAreRefusedAndEachRefusalIsAudited() {
        String address = ApiClient.freshLoopbackAddress();
        ApiClient anonymous = ApiClient.from(port, address);
        String auditorName = unique("node-token-auditor");
        String auditor = token(auditorName, "auditor");
        String person = new AccessFixture(api, ADMIN).person("node-token-person").apiScope("auditor").password(PASSWORD)
                .create();
        int before = count();

        assertThat(anonymous.post("/api/v1/node-tokens", null, CREATE).status()).isEqualTo(401);
        assertThat(api.post("/api/v1/node-tokens", auditor, CREATE).status()).isEqualTo(403);
        assertThat(asPerson(person).status()).isEqualTo(403);

        assertThat(count()).as("no token was made").isEqualTo(before);
        List<JsonNode> unauthenticated = events("api.unauthenticated", "POST /api/v1/node-tokens");
        assertThat(unauthenticated).anySatisfy(e -> assertThat(e.toString()).contains(address));
        List<String> forbidden = events("api.forbidden", "POST /api/v1/node-tokens").stream()
                .map(e -> e.get("actor").asString()).collect(Collectors.toList());
        assertThat(forbidden).contains(person).anySatisfy(actor -> assertThat(actor).contains(auditorName));
    }

    /** A console sign-in of {@code person} (auditor scope) asking for a node token, CSRF token and all. */
    private ApiClient.Reply asPerson(String person) {
        ApiClient.Reply signIn = api.post("/api/v1/session", null, "{\"username\":\"" + person + "\",\"password\":\""
                + PASSWORD + "\"}");
        assertThat(signIn.status()).as(signIn.body()).isEqualTo(200);
        String session = cookie(signIn, "GATEHOUSE_SESSION");
        ApiClient.Reply whoAmI = api.send("GET", "/api/v1/session", null, null, "Cookie", session);
        String csrf = cookie(whoAmI, "XSRF-TOKEN");
        return api.send("POST", "/api/v1/node-tokens", null, CREATE, "Cookie", session + "; " + csrf,
                "X-XSRF-TOKEN", csrf.substring(csrf.indexOf('=') + 1));
    }

    private static String cookie(ApiClient.Reply reply, String name) {
        return reply.headers("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).map(c -> c.split(";")[0])
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " cookie in " + reply));
    }

    private int count() {
        return api.get("/api/v1/node-tokens", ADMIN).json().size();
    }

    private List<JsonNode> events(String type, String target) {
        JsonNode page = api.get("/api/v1/audit/events?type=" + type + "&target="
                + URLEncoder.encode(target, StandardCharsets.UTF_8) + "&limit=100", ADMIN).json();
        JsonNode events = page.has("events") ? page.get("events") : page;
        List<JsonNode> all = new java.util.ArrayList<>();
        events.forEach(all::add);
        return all;
    }
}
