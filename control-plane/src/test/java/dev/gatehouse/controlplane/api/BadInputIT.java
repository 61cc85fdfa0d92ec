package dev.gatehouse.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.testkit.SshKeys;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Hostile and broken input, sent by an admin: each gets a 4xx problem+json naming what was wrong, nothing is stored,
 * nothing else changes, no stack trace leaks, and the gateway keeps serving.
 */
class BadInputIT extends GatehouseTestApplication {

    private static ApiObjects fixture;

    /** A bad request and what must come back: status, the field named (null: any), a word of the message. */
    record Case(String name, String method, String path, String body, int status, String field, String says) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String TEN_KB = "a".repeat(10 * 1024);

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        // JSON shape
        c.add(new Case("unknown field", "POST", "/api/v1/users", "{\"username\":\"x1\",\"roles\":[],\"admin\":true}", 400, "admin", "unknown field"));
        c.add(new Case("array given a string", "POST", "/api/v1/users", "{\"username\":\"x2\",\"roles\":\"{role}\"}", 400, "roles", "expected an array"));
        c.add(new Case("number given a word", "POST", "/api/v1/join-tokens", "{\"network\":\"{network}\",\"ttlSeconds\":\"soon\"}", 400, "ttlSeconds", "wrong type"));
        c.add(new Case("string given a number", "POST", "/api/v1/networks", "{\"name\":123}", 400, "name", "wrong type"));
        c.add(new Case("boolean given a string", "PUT", "/api/v1/users/{user}", "{\"roles\":[],\"disabled\":\"yes\"}", 400, "disabled", "wrong type"));
        c.add(new Case("malformed JSON", "POST", "/api/v1/users", "{\"username\":\"x3\",", 400, "body", "malformed JSON"));
        c.add(new Case("trailing data", "POST", "/api/v1/networks", "{\"name\":\"x4\"} {\"name\":\"x5\"}", 400, "body", null));
        c.add(new Case("duplicate JSON field", "POST", "/api/v1/networks", "{\"name\":\"x6\",\"name\":\"x7\"}", 400, "body", "twice"));
        c.add(new Case("empty body", "POST", "/api/v1/roles", "", 400, "body", null));
        c.add(new Case("null where required", "POST", "/api/v1/roles", "{\"name\":\"x8\",\"logins\":null,\"hostLabels\":{}}", 400, "logins", "null"));
        // hostile names
        c.add(new Case("control character in name", "POST", "/api/v1/users", "{\"username\":\"a\\u0007b\",\"roles\":[]}", 400, "username", "1 to 63"));
        c.add(new Case("newline in name", "POST", "/api/v1/hosts", "{\"name\":\"web\\n01\",\"address\":\"10.0.0.1:22\"}", 400, "name", "1 to 63"));
        c.add(new Case("path traversal name", "POST", "/api/v1/networks", "{\"name\":\"../etc\"}", 400, "name", "1 to 63"));
        c.add(new Case("slash in name", "POST", "/api/v1/roles", "{\"name\":\"a/b\",\"logins\":[],\"hostLabels\":{}}", 400, "name", "1 to 63"));
        c.add(new Case("10 KB name", "POST", "/api/v1/users", "{\"username\":\"" + TEN_KB + "\",\"roles\":[]}", 400, "username", "1 to 63"));
        c.add(new Case("SQL in name", "POST", "/api/v1/users", "{\"username\":\"x'; DROP TABLE users;--\",\"roles\":[]}", 400, "username", "1 to 63"));
        c.add(new Case("upper case and unicode name", "POST", "/api/v1/users", "{\"username\":\"Al\\u00efce\",\"roles\":[]}", 400, "username", "1 to 63"));
        c.add(new Case("10 KB description", "POST", "/api/v1/networks", "{\"name\":\"x9\",\"description\":\"" + TEN_KB + "\"}", 400, "description", "1000"));
        c.add(new Case("control characters in description", "PUT", "/api/v1/networks/{network}", "{\"description\":\"a\\u001b[31mred\"}", 400, "description", "control"));
        c.add(new Case("bad login", "POST", "/api/v1/roles", "{\"name\":\"x10\",\"logins\":[\"Root User\"],\"hostLabels\":{}}", 400, "logins[0]", "Unix login"));
        // inventory syntax
        c.add(new Case("address without port", "POST", "/api/v1/hosts", "{\"name\":\"x11\",\"address\":\"10.0.0.1\"}", 400, "address", "host:port"));
        c.add(new Case("address port out of range", "POST", "/api/v1/hosts", "{\"name\":\"x12\",\"address\":\"10.0.0.1:99999\"}", 400, "address", "1-65535"));
        c.add(new Case("address with shell", "POST", "/api/v1/hosts", "{\"name\":\"x13\",\"address\":\"$(reboot):22\"}", 400, "address", "host:port"));
        c.add(new Case("unknown network", "POST", "/api/v1/hosts", "{\"name\":\"x14\",\"address\":\"db:5432\",\"network\":\"nowhere\"}", 400, "network", "no network"));
        c.add(new Case("bad label key", "POST", "/api/v1/hosts", "{\"name\":\"x15\",\"address\":\"db:5432\",\"labels\":{\"Env Name\":\"prod\"}}", 400, "labels", "label keys"));
        c.add(new Case("bad label value", "POST", "/api/v1/hosts", "{\"name\":\"x16\",\"address\":\"db:5432\",\"labels\":{\"env\":\"pr od\"}}", 400, "labels.env", "label values"));
        c.add(new Case("bad host key", "PUT", "/api/v1/hosts/{host}/host-key", "{\"hostKey\":\"ssh-ed25519 AAAAnotbase64!!\"}", 400, "hostKey", null));
        // policy syntax
        c.add(new Case("selector value with bad character", "POST", "/api/v1/roles", "{\"name\":\"x17\",\"logins\":[\"root\"],\"hostLabels\":{\"env\":\"prod!\"}}", 400, "hostLabels.env", "selector values"));
        c.add(new Case("wildcard key with a value", "POST", "/api/v1/roles", "{\"name\":\"x18\",\"logins\":[\"root\"],\"hostLabels\":{\"*\":\"prod\"}}", 400, "hostLabels.*", "'*'"));
        c.add(new Case("empty selector key", "POST", "/api/v1/roles", "{\"name\":\"x19\",\"logins\":[\"root\"],\"hostLabels\":{\"\":\"prod\"}}", 400, "hostLabels", "label keys"));
        c.add(new Case("forward destination without port", "POST", "/api/v1/roles", "{\"name\":\"x20\",\"logins\":[],\"hostLabels\":{},\"forwardDestinations\":[\"licence-server\"]}", 400, "forwardDestinations[0]", "host:port"));
        c.add(new Case("forward destination CIDR with host bits", "POST", "/api/v1/roles", "{\"name\":\"x20c\",\"logins\":[],\"hostLabels\":{},\"forwardDestinations\":[\"db:5432\",\"10.20.1.0/16:5432\"]}", 400, "forwardDestinations[1]", "bits set past its /16"));
        c.add(new Case("session length too short", "POST", "/api/v1/roles", "{\"name\":\"x21\",\"logins\":[],\"hostLabels\":{},\"maxSessionSeconds\":5}", 400, "maxSessionSeconds", null));
        c.add(new Case("negative detach grace", "POST", "/api/v1/roles", "{\"name\":\"x21d\",\"logins\":[],\"hostLabels\":{},\"detachedSeconds\":-1}", 400, "detachedSeconds", null));
        c.add(new Case("detach grace over a day", "POST", "/api/v1/roles", "{\"name\":\"x21e\",\"logins\":[],\"hostLabels\":{},\"detachedSeconds\":86401}", 400, "detachedSeconds", null));
        c.add(new Case("unknown role", "POST", "/api/v1/users", "{\"username\":\"x22\",\"roles\":[\"no-such-role\"]}", 400, "roles[0]", "no role"));
        c.add(new Case("short password", "POST", "/api/v1/users", "{\"username\":\"x23\",\"roles\":[],\"password\":\"short\"}", 400, "password", "12 to 256"));
        c.add(new Case("unknown scope", "POST", "/api/v1/users", "{\"username\":\"x24\",\"roles\":[],\"apiScope\":\"root\"}", 400, "apiScope", "admin or auditor"));
        // keys
        c.add(new Case("malformed key", "POST", "/api/v1/users/{user}/keys", "{\"publicKey\":\"not a key\"}", 400, "publicKey", null));
        c.add(new Case("truncated key", "POST", "/api/v1/users/{user}/keys", "{\"publicKey\":\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIP6j8CX\"}", 400, "publicKey", null));
        c.add(new Case("empty key", "POST", "/api/v1/users/{user}/keys", "{\"publicKey\":\"\"}", 400, "publicKey", null));
        c.add(new Case("20 KB key", "POST", "/api/v1/users/{user}/keys", "{\"publicKey\":\"ssh-ed25519 " + "A".repeat(20_000) + "\"}", 400, "publicKey", null));
        c.add(new Case("key of an unknown user", "POST", "/api/v1/users/nobody-here/keys", "{\"publicKey\":\"{freshKey}\"}", 404, null, "no user"));
        c.add(new Case("DSA key", "POST", "/api/v1/users/{user}/keys", "{\"publicKey\":\"{dsaKey}\"}", 400, "publicKey", "DSA"));
        c.add(new Case("RSA 1024 key", "POST", "/api/v1/users/{user}/keys", "{\"publicKey\":\"{rsa1024Key}\"}", 400, "publicKey", "2048"));
        c.add(new Case("key of another user", "POST", "/api/v1/users/{otherUser}/keys", "{\"publicKey\":\"{userKey}\"}", 409, "publicKey", "another user"));
        // tokens
        c.add(new Case("join token TTL too short", "POST", "/api/v1/join-tokens", "{\"network\":\"{network}\",\"ttlSeconds\":5}", 400, "ttlSeconds", "at least 60"));
        c.add(new Case("join token for direct", "POST", "/api/v1/join-tokens", "{\"network\":\"direct\",\"ttlSeconds\":600}", 400, "network", "direct"));
        c.add(new Case("join token for unknown network", "POST", "/api/v1/join-tokens", "{\"network\":\"nowhere\",\"ttlSeconds\":600}", 400, "network", "no network"));
        c.add(new Case("API token scope", "POST", "/api/v1/api-tokens", "{\"name\":\"x25\",\"scope\":\"root\"}", 400, "scope", "admin or auditor"));
        c.add(new Case("audit limit", "GET", "/api/v1/audit/events?limit=0", null, 400, "limit", null));
        c.add(new Case("audit time", "GET", "/api/v1/audit/events?from=yesterday", null, 400, "from", "ISO-8601"));
        c.add(new Case("audit cursor", "GET", "/api/v1/audit/events?cursor=1%20OR%201=1", null, 400, "cursor", null));
        // collisions and state
        c.add(new Case("duplicate user", "POST", "/api/v1/users", "{\"username\":\"{user}\",\"roles\":[]}", 409, "username", "exists"));
        c.add(new Case("delete direct network", "DELETE", "/api/v1/networks/direct", null, 409, null, "built in"));
        c.add(new Case("delete role in use", "DELETE", "/api/v1/roles/{role}", null, 409, null, "still granted"));
        c.add(new Case("rename through PUT", "PUT", "/api/v1/hosts/{host}", "{\"name\":\"other\",\"address\":\"a:1\"}", 400, "name", "renamed"));
        c.add(new Case("unknown user", "GET", "/api/v1/users/nobody-here", null, 404, null, "no user"));
        c.add(new Case("malformed id", "DELETE", "/api/v1/api-tokens/not-a-uuid", null, 400, "id", "a UUID"));
        c.add(new Case("limit not a number", "GET", "/api/v1/audit/events?limit=ten", null, 400, "limit", "an integer"));
        return c.stream();
    }

    @BeforeEach
    void fixture() {
        if (fixture == null) {
            fixture = ApiObjects.create(api, ADMIN);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputThenClearProblemAndNothingChanged(Case c) {
        ApiObjects other = c.body() != null && c.body().contains("{userKey}") ? ApiObjects.create(api, ADMIN) : null;
        String body = c.body() == null ? null : fixture.fill(c.body());
        body = replaceLazily(body, "{freshKey}", () -> SshKeys.ed25519(keys()).publicKeyLine());
        body = replaceLazily(body, "{dsaKey}", () -> SshKeys.generate(keys(), "dsa", 1024).publicKeyLine());
        body = replaceLazily(body, "{rsa1024Key}", () -> SshKeys.rsa(keys(), 1024).publicKeyLine());
        body = replaceLazily(body, "{userKey}", () -> api.get(fixture.fill("/api/v1/users/{user}/keys"), ADMIN).json()
                .get(0).get("publicKey").asString());
        String path = fixture.fill(c.path()).replace("{otherUser}", other == null ? "" : other.get("user"));
        String before = everything();

        ApiClient.Reply reply = api.send(c.method(), path, ADMIN, body);

        assertThat(reply.status()).as("%s: %s", c, reply).isEqualTo(c.status());
        assertThat(reply.contentType()).startsWith("application/problem+json");
        JsonNode problem = reply.json();
        assertThat(problem.get("status").asInt()).isEqualTo(c.status());
        assertThat(problem.get("detail").asString()).isNotBlank().doesNotContain("Exception").doesNotContain("at dev.");
        assertThat(reply.body()).doesNotContain("trace").doesNotContain("tools.jackson").doesNotContain("org.springframework");
        if (c.field() != null) {
            assertThat(problem.get("errors")).as("errors of %s", reply).isNotNull();
            assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo(c.field());
        }
        if (c.says() != null) {
            assertThat(problem.get("detail").asString()).contains(c.says());
        }
        assertThat(everything()).as("nothing changed").isEqualTo(before);
        assertThat(api.get("/actuator/health", null).status()).isEqualTo(200);
    }

    @Test
    void bodyOverLimitWithContentLengthThen413AndNothingStored() {
        String before = everything();
        String big = "{\"name\":\"big\",\"description\":\"" + "x".repeat(70_000) + "\"}";

        ApiClient.Reply reply = api.post("/api/v1/networks", ADMIN, big);

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().get("detail").asString()).contains("65536");
        assertThat(everything()).isEqualTo(before);
    }

    @Test
    void chunkedBodyOverLimitThen413AndNothingStored() {
        String before = everything();
        byte[] big = ("{\"name\":\"big2\",\"description\":\"" + "x".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/networks"))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();

        ApiClient.Reply reply = api.send(request);

        assertThat(reply.status()).isEqualTo(413);
        assertThat(everything()).isEqualTo(before);
    }

    @Test
    void chunkedBodyUnderLimitThenAccepted() {
        byte[] body = ("{\"name\":\"" + unique("chunked") + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/networks"))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();

        assertThat(api.send(request).status()).isEqualTo(201);
    }

    @Test
    void wrongContentTypeThen415Problem() {
        ApiClient.Reply reply = api.send("POST", "/api/v1/networks", ADMIN, null, "Content-Type", "text/plain");

        assertThat(reply.status()).isEqualTo(415);
        assertThat(reply.contentType()).startsWith("application/problem+json");
    }

    /** Every listing an admin can read, except the audit trail (which records the refusals). */
    private String everything() {
        return String.join("\n", Stream.of("/api/v1/users", "/api/v1/roles", "/api/v1/hosts", "/api/v1/networks",
                        "/api/v1/api-tokens", "/api/v1/join-tokens", "/api/v1/agents", fixture.fill("/api/v1/users/{user}/keys"))
                .map(path -> api.get(path, ADMIN).body()).toList());
    }

    private static String replaceLazily(String text, String placeholder, java.util.function.Supplier<String> value) {
        return text == null || !text.contains(placeholder) ? text : text.replace(placeholder, value.get());
    }

    private static java.nio.file.Path keys() {
        try {
            return java.nio.file.Files.createTempDirectory("gatehouse-bad-keys-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
