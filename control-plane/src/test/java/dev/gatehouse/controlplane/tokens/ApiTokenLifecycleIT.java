package dev.gatehouse.controlplane.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.controlplane.security.ApiScope;
import dev.gatehouse.controlplane.security.OpaqueTokens;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** API tokens: shown once, stored only as SHA-256, refused with a clear 401 once revoked or expired. */
class ApiTokenLifecycleIT extends GatehouseTestApplication {

    @Autowired
    ApiTokenStore store;
    @Autowired
    JdbcClient jdbc;

    @Test
    void secretIsShownOnceAndStoredOnlyAsItsHash() {
        String name = unique("ci");
        ApiClient.Reply created = api.post("/api/v1/api-tokens", ADMIN, "{\"name\":\"" + name + "\",\"scope\":\"admin\",\"ttlSeconds\":3600}");
        String secret = created.json().get("token").asString();
        String id = created.json().get("id").asString();

        assertThat(secret).startsWith("gh_api_").hasSizeGreaterThan(40);
        assertThat(api.get("/api/v1/api-tokens/" + id, ADMIN).body()).doesNotContain(secret).doesNotContain("token\"");
        assertThat(api.get("/api/v1/api-tokens", ADMIN).body()).doesNotContain(secret);
        String stored = jdbc.sql("SELECT token_hash FROM api_tokens WHERE id = ?").param(UUID.fromString(id))
                .query(String.class).single();
        assertThat(stored).isEqualTo(OpaqueTokens.hash(secret)).doesNotContain(secret);
        assertThat(api.get("/api/v1/hosts", secret).status()).isEqualTo(200);
    }

    @Test
    void revokedTokenIsRefusedWith401SayingSo() {
        String name = unique("revoked");
        ApiClient.Reply created = api.post("/api/v1/api-tokens", ADMIN, "{\"name\":\"" + name + "\",\"scope\":\"admin\"}");
        String secret = created.json().get("token").asString();
        assertThat(api.get("/api/v1/hosts", secret).status()).isEqualTo(200);

        assertThat(api.delete("/api/v1/api-tokens/" + created.json().get("id").asString(), ADMIN).status()).isEqualTo(204);

        ApiClient.Reply refused = api.get("/api/v1/hosts", secret);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("detail").asString()).contains("'" + name + "' was revoked");
        assertThat(api.get("/api/v1/api-tokens/" + created.json().get("id").asString(), ADMIN).body())
                .contains("\"revokedAt\":\"");
    }

    @Test
    void expiredTokenIsRefusedWith401SayingSo() {
        String name = unique("expired");
        String secret = OpaqueTokens.generate("gh_api_");
        Instant created = Instant.now().minusSeconds(7200);
        store.insert(new ApiToken(UUID.randomUUID(), name, ApiScope.ADMIN, created.plusSeconds(3600), null, "test", created),
                OpaqueTokens.hash(secret));

        ApiClient.Reply refused = api.post("/api/v1/networks", secret, "{\"name\":\"" + unique("never") + "\"}");

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("detail").asString()).contains("'" + name + "' expired at");
    }

    @Test
    void duplicateTokenNameIsAConflict() {
        String name = unique("twice");
        api.post("/api/v1/api-tokens", ADMIN, "{\"name\":\"" + name + "\",\"scope\":\"auditor\"}");

        ApiClient.Reply again = api.post("/api/v1/api-tokens", ADMIN, "{\"name\":\"" + name + "\",\"scope\":\"auditor\"}");

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("errors").get(0).get("field").asString()).isEqualTo("name");
    }
}
