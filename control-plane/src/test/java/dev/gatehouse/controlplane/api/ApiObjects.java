package dev.gatehouse.controlplane.api;

import static dev.gatehouse.controlplane.ApiClient.expect;

import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.testkit.SshKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One fresh, related set of API objects for the endpoint tables of the API tests: a network, a role, a user holding
 * it with one key, a host in the network (the three through {@link AccessFixture}), a join token and an auditor API
 * token. Paths and bodies name them as {@code {network}}, {@code {role}}, {@code {user}}, {@code {key}},
 * {@code {host}}, {@code {joinToken}}, {@code {apiToken}}, and {@code {suffix}} for names of their own.
 */
final class ApiObjects {

    private final Map<String, String> names = new LinkedHashMap<>();

    private ApiObjects() {}

    static ApiObjects create(ApiClient api, String admin) {
        ApiObjects o = new ApiObjects();
        AccessFixture access = new AccessFixture(api, admin);
        String suffix = Long.toString(System.nanoTime(), 36);
        o.names.put("suffix", suffix);
        o.names.put("network", "net-" + suffix);
        expect(api.post("/api/v1/networks", admin, o.fill("{\"name\":\"{network}\",\"description\":\"fixture\"}")), 201);
        o.names.put("role", access.role("role").logins("root").hostLabel("env", suffix).create());
        o.names.put("user", access.person("user").roles(o.get("role")).create());
        o.names.put("host", access.host("host").address("10.9.8.7:22").label("env", suffix).network(o.get("network"))
                .create());
        o.names.put("joinToken", expect(api.post("/api/v1/join-tokens", admin,
                o.fill("{\"network\":\"{network}\",\"ttlSeconds\":600}")), 201).json().get("id").asString());
        o.names.put("apiToken", expect(api.post("/api/v1/api-tokens", admin,
                o.fill("{\"name\":\"tok-{suffix}\",\"scope\":\"auditor\"}")), 201).json().get("id").asString());
        String key = SshKeys.ed25519(keyDirectory()).publicKeyLine();
        o.names.put("key", expect(api.post(o.fill("/api/v1/users/{user}/keys"), admin,
                "{\"publicKey\":\"" + key + "\"}"), 201).json().get("id").asString());
        return o;
    }

    private static Path keyDirectory() {
        try {
            return Files.createTempDirectory("gatehouse-key-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String get(String name) {
        return names.get(name);
    }

    /** Replaces every {@code {name}} in {@code template} by this set's value. */
    String fill(String template) {
        if (template == null) {
            return null;
        }
        String out = template;
        for (Map.Entry<String, String> e : names.entrySet()) {
            out = out.replace("{" + e.getKey() + "}", e.getValue());
        }
        return out;
    }
}
