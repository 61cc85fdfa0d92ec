package dev.gatehouse.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The API accepts JWTs from a real OIDC provider running beside the test (mock-oauth2-server: discovery and JWKS over
 * HTTP, tokens fetched from its token endpoint), mapping the username claim to the person and groups to a scope.
 */
class OidcIT extends GatehouseTestApplication {

    private static final String ISSUER = "corp";
    private static final String AUDIENCE = "gatehouse";
    private static final MockOAuth2Server PROVIDER = startProvider();

    @DynamicPropertySource
    static void oidc(DynamicPropertyRegistry registry) {
        registry.add("gatehouse.oidc.issuer-uri", () -> PROVIDER.issuerUrl(ISSUER).toString());
        // mock-oauth2-server speaks plain HTTP: a test convenience the gateway must be told to accept.
        registry.add("gatehouse.oidc.allow-http-issuer", () -> "true");
        registry.add("gatehouse.oidc.audience", () -> AUDIENCE);
        registry.add("gatehouse.oidc.username-claim", () -> "preferred_username");
        registry.add("gatehouse.oidc.roles-claim", () -> "groups");
        registry.add("gatehouse.oidc.scope-mapping[gatehouse-admins]", () -> "admin");
        registry.add("gatehouse.oidc.scope-mapping[security-team]", () -> "auditor");
    }

    @AfterAll
    static void stop() {
        PROVIDER.shutdown();
    }

    @Test
    void adminGroupMayChangeAndTheChangeIsAttributedToThePerson() {
        String jwt = token(ISSUER, Map.of("preferred_username", "oidc-alice", "groups", List.of("staff", "gatehouse-admins")), 3600);
        String network = unique("oidc");

        ApiClient.Reply created = api.post("/api/v1/networks", jwt, "{\"name\":\"" + network + "\"}");

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(api.get("/api/v1/audit/events?type=network.created&target=network:" + network, ADMIN).body())
                .contains("\"actor\":\"oidc:oidc-alice\"");
        assertThat(api.get("/api/v1/session", jwt).body()).contains("\"via\":\"oidc\"").contains("\"scope\":\"admin\"");
    }

    @Test
    void tokenMintedForAnotherClientOfTheIssuerIsUnauthenticated() {
        String jwt = token(ISSUER, Map.of("preferred_username", "oidc-alice", "groups", List.of("gatehouse-admins")),
                3600, List.of("another-app"));

        ApiClient.Reply reply = api.get("/api/v1/hosts", jwt);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.body()).contains("aud");
    }

    @Test
    void anOidcPersonIsNotTheLocalUserOfTheSameName() {
        String local = new AccessFixture(api, ADMIN).person("twin").create();
        String jwt = token(ISSUER, Map.of("preferred_username", local, "groups", List.of("security-team")), 3600);

        assertThat(api.get("/api/v1/session", jwt).body()).contains("\"username\":\"oidc:" + local + "\"");
    }

    @Test
    void auditorGroupMayReadButNotChange() {
        String jwt = token(ISSUER, Map.of("preferred_username", "oidc-sam", "groups", List.of("security-team")), 3600);

        assertThat(api.get("/api/v1/hosts", jwt).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/networks", jwt, "{\"name\":\"" + unique("nope") + "\"}").status()).isEqualTo(403);
    }

    @Test
    void personWithoutMappedGroupIsForbidden() {
        String jwt = token(ISSUER, Map.of("preferred_username", "oidc-bob", "groups", List.of("staff")), 3600);

        ApiClient.Reply reply = api.get("/api/v1/hosts", jwt);

        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.body()).contains("oidc-bob");
    }

    @Test
    void expiredTokenIsUnauthenticated() {
        long anHourAgo = java.time.Instant.now().minusSeconds(3600).getEpochSecond();
        String jwt = token(ISSUER, Map.of("preferred_username", "oidc-alice", "groups", List.of("gatehouse-admins"),
                "iat", anHourAgo, "nbf", anHourAgo), -600);

        ApiClient.Reply reply = api.get("/api/v1/hosts", jwt);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.body()).containsIgnoringCase("expired");
    }

    @Test
    void tokenFromAnotherIssuerIsUnauthenticated() {
        String jwt = token("elsewhere", Map.of("preferred_username", "oidc-alice", "groups", List.of("gatehouse-admins")), 3600);

        assertThat(api.get("/api/v1/hosts", jwt).status()).isEqualTo(401);
    }

    @Test
    void tokenWithoutTheUsernameClaimIsUnauthenticated() {
        String jwt = token(ISSUER, Map.of("groups", List.of("gatehouse-admins")), 3600);

        ApiClient.Reply reply = api.get("/api/v1/hosts", jwt);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.body()).contains("preferred_username");
    }

    @Test
    void tamperedTokenIsUnauthenticated() {
        String jwt = token(ISSUER, Map.of("preferred_username", "oidc-alice", "groups", List.of("security-team")), 3600);
        String[] parts = jwt.split("\\.");
        String forgedClaims = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1])).replace("security-team", "gatehouse-admins")
                        .getBytes());

        assertThat(api.get("/api/v1/hosts", parts[0] + "." + forgedClaims + "." + parts[2]).status()).isEqualTo(401);
    }

    @Test
    void apiTokensKeepWorkingBesideOidc() {
        assertThat(api.get("/api/v1/hosts", ADMIN).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/hosts", "gh_api_unknown").status()).isEqualTo(401);
    }

    /** Fetches a token over HTTP from the provider's token endpoint, with these claims. */
    private String token(String issuerId, Map<String, Object> claims, long expirySeconds) {
        return token(issuerId, claims, expirySeconds, List.of(AUDIENCE));
    }

    private String token(String issuerId, Map<String, Object> claims, long expirySeconds, List<String> audience) {
        PROVIDER.enqueueCallback(new DefaultOAuth2TokenCallback(issuerId, "subject-" + claims.getOrDefault(
                "preferred_username", "none"), "JWT", audience, claims, expirySeconds));
        HttpRequest request = HttpRequest.newBuilder(URI.create(PROVIDER.tokenEndpointUrl(issuerId).toString()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&client_id=gatehouse-cli&client_secret=unused&scope=openid"))
                .build();
        ApiClient.Reply reply = api.send(request);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json().get("access_token").asString();
    }

    private static MockOAuth2Server startProvider() {
        MockOAuth2Server server = new MockOAuth2Server();
        try {
            server.start(InetAddress.getByName("127.0.0.1"), 0);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return server;
    }
}
