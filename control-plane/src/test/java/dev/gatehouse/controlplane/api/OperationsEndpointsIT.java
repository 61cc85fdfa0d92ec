package dev.gatehouse.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import org.junit.jupiter.api.Test;

/** What operators and API clients find without credentials, and what needs them. */
class OperationsEndpointsIT extends GatehouseTestApplication {

    @Test
    void openApiDocumentIsPublicAndDescribesTheContract() {
        ApiClient.Reply reply = api.get("/api/v1/openapi.json", null);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("paths").propertyNames()).contains("/api/v1/users", "/api/v1/users/{username}/keys",
                "/api/v1/roles", "/api/v1/hosts", "/api/v1/networks", "/api/v1/join-tokens", "/api/v1/agents",
                "/api/v1/ca/ssh-user", "/api/v1/ca/ssh-host", "/api/v1/audit/events", "/api/v1/api-tokens");
    }

    @Test
    void healthIsPublicAndShowsNoDetails() {
        ApiClient.Reply reply = api.get("/actuator/health", null);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).contains("\"status\":\"UP\"").doesNotContain("postgres").doesNotContain("jdbc");
    }

    @Test
    void prometheusMetricsNeedAToken() {
        assertThat(api.get("/actuator/prometheus", null).status()).isEqualTo(401);
        ApiClient.Reply reply = api.get("/actuator/prometheus", ADMIN);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).contains("http_server_requests_seconds");
    }

    @Test
    void anythingElseIsDenied() {
        assertThat(api.get("/actuator/env", ADMIN).status()).isIn(401, 403, 404);
        assertThat(api.get("/actuator/env", null).status()).isEqualTo(401);
    }
}
