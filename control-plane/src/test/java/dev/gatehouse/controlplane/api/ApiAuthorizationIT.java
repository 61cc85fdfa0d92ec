package dev.gatehouse.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.testkit.SshKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every endpoint, called by an anonymous caller, an auditor and an admin over real HTTP: anonymous gets 401, the
 * auditor reads (and may start an audit verify run) but gets 403 on every change (and nothing changes), the admin
 * succeeds. A refused caller never sees
 * a body other than problem+json.
 */
class ApiAuthorizationIT extends GatehouseTestApplication {

    private static String auditorToken;
    private static ApiObjects shared;

    /** One endpoint: method, path and body templates over an {@link ApiObjects}, and what the admin gets. */
    record Endpoint(String method, String path, String body, int adminStatus) {
        boolean isRead() {
            return method.equals("GET");
        }

        /**
         * Reads, and the few actions that change no state an admin owns (starting an audit verify run). Access requests
         * are open to every caller and decided per request (AccessRequestApiIT has their caller kinds).
         */
        boolean auditorMay() {
            return isRead() || toString().equals("POST /api/v1/audit/verify")
                    || path.startsWith("/api/v1/access-requests") || path.startsWith("/api/v1/ssh-approvals/");
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/api/v1/users", null, 200),
            new Endpoint("POST", "/api/v1/users", "{\"username\":\"new-{suffix}\",\"roles\":[\"{role}\"]}", 201),
            new Endpoint("GET", "/api/v1/users/{user}", null, 200),
            new Endpoint("PUT", "/api/v1/users/{user}", "{\"roles\":[],\"disabled\":true}", 200),
            new Endpoint("DELETE", "/api/v1/users/{user}", null, 204),
            new Endpoint("GET", "/api/v1/users/{user}/keys", null, 200),
            new Endpoint("POST", "/api/v1/users/{user}/keys", "{\"publicKey\":\"{newKey}\"}", 201),
            new Endpoint("GET", "/api/v1/users/{user}/keys/{key}", null, 200),
            new Endpoint("DELETE", "/api/v1/users/{user}/keys/{key}", null, 204),
            new Endpoint("GET", "/api/v1/roles", null, 200),
            new Endpoint("POST", "/api/v1/roles", "{\"name\":\"new-{suffix}\",\"logins\":[\"root\"],\"hostLabels\":{\"*\":\"*\"}}", 201),
            new Endpoint("GET", "/api/v1/roles/{role}", null, 200),
            new Endpoint("PUT", "/api/v1/roles/{role}", "{\"logins\":[\"ubuntu\"],\"hostLabels\":{\"env\":\"x\"}}", 200),
            new Endpoint("DELETE", "/api/v1/roles/role-unused-{suffix}", null, 404),
            new Endpoint("GET", "/api/v1/hosts", null, 200),
            new Endpoint("POST", "/api/v1/hosts", "{\"name\":\"new-{suffix}\",\"address\":\"10.0.0.1:22\",\"labels\":{}}", 201),
            new Endpoint("GET", "/api/v1/hosts/{host}", null, 200),
            new Endpoint("PUT", "/api/v1/hosts/{host}", "{\"address\":\"10.0.0.2:2222\",\"labels\":{\"env\":\"y\"}}", 200),
            new Endpoint("DELETE", "/api/v1/hosts/{host}", null, 204),
            new Endpoint("PUT", "/api/v1/hosts/{host}/host-key", "{\"hostKey\":\"{hostKey}\"}", 200),
            new Endpoint("DELETE", "/api/v1/hosts/{host}/host-key", null, 204),
            new Endpoint("GET", "/api/v1/networks", null, 200),
            new Endpoint("POST", "/api/v1/networks", "{\"name\":\"new-{suffix}\",\"description\":\"office\"}", 201),
            new Endpoint("GET", "/api/v1/networks/{network}", null, 200),
            new Endpoint("PUT", "/api/v1/networks/{network}", "{\"description\":\"renamed\"}", 200),
            new Endpoint("DELETE", "/api/v1/networks/{network}", null, 409),
            new Endpoint("POST", "/api/v1/join-tokens", "{\"network\":\"{network}\",\"ttlSeconds\":300}", 201),
            new Endpoint("GET", "/api/v1/join-tokens", null, 200),
            new Endpoint("DELETE", "/api/v1/join-tokens/{joinToken}", null, 204),
            new Endpoint("POST", "/api/v1/node-tokens", "{\"role\":\"bastion\",\"ttlSeconds\":300}", 201),
            new Endpoint("GET", "/api/v1/node-tokens", null, 200),
            new Endpoint("DELETE", "/api/v1/node-tokens/00000000-0000-0000-0000-000000000000", null, 404),
            new Endpoint("GET", "/api/v1/nodes", null, 200),
            new Endpoint("DELETE", "/api/v1/nodes/no-such-node-{suffix}", null, 404),
            new Endpoint("GET", "/api/v1/agents", null, 200),
            new Endpoint("GET", "/api/v1/agents/00000000-0000-0000-0000-000000000000", null, 404),
            new Endpoint("DELETE", "/api/v1/agents/00000000-0000-0000-0000-000000000000", null, 404),
            new Endpoint("POST", "/api/v1/api-tokens", "{\"name\":\"new-{suffix}\",\"scope\":\"auditor\"}", 201),
            new Endpoint("GET", "/api/v1/api-tokens", null, 200),
            new Endpoint("GET", "/api/v1/api-tokens/{apiToken}", null, 200),
            new Endpoint("DELETE", "/api/v1/api-tokens/{apiToken}", null, 204),
            new Endpoint("GET", "/api/v1/ca/ssh-user", null, 200),
            new Endpoint("GET", "/api/v1/ca/ssh-host", null, 200),
            new Endpoint("GET", "/api/v1/ca/x509", null, 200),
            new Endpoint("GET", "/api/v1/audit/events", null, 200),
            new Endpoint("GET", "/api/v1/audit/verify", null, 200),
            new Endpoint("POST", "/api/v1/audit/verify", null, 202),
            new Endpoint("GET", "/api/v1/sessions", null, 200),
            new Endpoint("GET", "/api/v1/sessions/no-such-session-{suffix}", null, 404),
            new Endpoint("GET", "/api/v1/sessions/no-such-session-{suffix}/events", null, 404),
            new Endpoint("GET", "/api/v1/sessions/no-such-session-{suffix}/recording", null, 404),
            new Endpoint("GET", "/api/v1/sessions/no-such-session-{suffix}/export?format=stdout", null, 404),
            new Endpoint("POST", "/api/v1/sessions/no-such-session-{suffix}/terminate", "{\"reason\":\"test\"}", 404),
            new Endpoint("GET", "/api/v1/session", null, 200),
            new Endpoint("GET", "/api/v1/access-requests", null, 200),
            // A token is not a person: it may decide requests (admin) but never ask for a role.
            new Endpoint("POST", "/api/v1/access-requests", "{\"role\":\"{role}\",\"minutes\":5,\"reason\":\"x\"}", 403),
            new Endpoint("GET", "/api/v1/access-requests/00000000-0000-0000-0000-000000000000", null, 404),
            new Endpoint("POST", "/api/v1/access-requests/00000000-0000-0000-0000-000000000000/approve", null, 404),
            new Endpoint("POST", "/api/v1/access-requests/00000000-0000-0000-0000-000000000000/deny", null, 404),
            new Endpoint("POST", "/api/v1/access-requests/00000000-0000-0000-0000-000000000000/cancel", null, 404),
            // Any signed-in caller reaches an approval; only its person gets one (SshApprovalApiIT has the caller kinds).
            new Endpoint("GET", "/api/v1/ssh-approvals/not-a-code", null, 404),
            new Endpoint("POST", "/api/v1/ssh-approvals/not-a-code", "{\"decision\":\"approve\"}", 404),
            new Endpoint("GET", "/actuator/prometheus", null, 200));

    static Stream<Arguments> calls() {
        List<Arguments> calls = new ArrayList<>();
        for (Endpoint endpoint : ENDPOINTS) {
            for (String caller : List.of("anonymous", "auditor", "admin")) {
                calls.add(Arguments.of(endpoint, caller));
            }
        }
        return calls.stream();
    }

    @BeforeEach
    void auditor() {
        if (auditorToken == null) {
            auditorToken = token(unique("authz-auditor"), "auditor");
            shared = ApiObjects.create(api, ADMIN);
        }
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("calls")
    void callWhenCallerLacksScopeThenRefusedElseServed(Endpoint endpoint, String caller) {
        // Reads share one fixture; every change gets a fresh one so callers never depend on each other.
        ApiObjects fixture = endpoint.isRead() ? shared : ApiObjects.create(api, ADMIN);
        String path = fixture.fill(endpoint.path());
        String body = endpoint.body() == null ? null
                : fixture.fill(endpoint.body()).replace("{hostKey}", HOST_KEY).replace("{newKey}", freshKey());
        String token = switch (caller) {
            case "anonymous" -> null;
            case "auditor" -> auditorToken;
            default -> ADMIN;
        };
        String before = endpoint.isRead() ? "" : snapshot(fixture);

        ApiClient.Reply reply = api.send(endpoint.method(), path, token, body);

        int expected = switch (caller) {
            case "anonymous" -> 401;
            case "auditor" -> endpoint.auditorMay() ? endpoint.adminStatus() : 403;
            default -> endpoint.adminStatus();
        };
        assertThat(reply.status()).as("%s as %s: %s", endpoint, caller, reply).isEqualTo(expected);
        if (expected == 401 || expected == 403) {
            assertThat(reply.contentType()).startsWith("application/problem+json");
            assertThat(reply.json().get("status").asInt()).isEqualTo(expected);
            if (!endpoint.isRead()) {
                assertThat(snapshot(fixture)).as("nothing changed after a refused call").isEqualTo(before);
            }
        }
    }

    /** The fixture's objects as the admin sees them. */
    private String snapshot(ApiObjects fixture) {
        return String.join("\n",
                api.get(fixture.fill("/api/v1/users/{user}"), ADMIN).body(),
                api.get(fixture.fill("/api/v1/users/{user}/keys"), ADMIN).body(),
                api.get(fixture.fill("/api/v1/roles/{role}"), ADMIN).body(),
                api.get(fixture.fill("/api/v1/hosts/{host}"), ADMIN).body(),
                api.get(fixture.fill("/api/v1/networks/{network}"), ADMIN).body(),
                api.get(fixture.fill("/api/v1/api-tokens/{apiToken}"), ADMIN).body(),
                api.get("/api/v1/join-tokens", ADMIN).body(),
                api.get("/api/v1/users", ADMIN).body().length() + " " + api.get("/api/v1/roles", ADMIN).body().length()
                        + " " + api.get("/api/v1/hosts", ADMIN).body().length());
    }

    /** A key no user holds yet (keys belong to one user only). */
    private static String freshKey() {
        try {
            return SshKeys.ed25519(java.nio.file.Files.createTempDirectory("gatehouse-authz-key-")).publicKeyLine();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final String HOST_KEY =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIP6j8CXrqlDBEQV/gDdyTE0l1aGNHcIPP9BT4TMSxiJ web-01";
}
