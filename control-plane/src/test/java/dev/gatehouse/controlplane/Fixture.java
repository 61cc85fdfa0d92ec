package dev.gatehouse.controlplane;

import static dev.gatehouse.controlplane.ApiClient.expect;

import dev.gatehouse.testkit.SshKeys;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fresh, related set of objects made through the API with the admin token: a network, a role, a user holding it, a
 * host in the network, a join token and an auditor API token. Paths and bodies name them as {@code {user}}, ...
 */
public final class Fixture {

    private final Map<String, String> names = new LinkedHashMap<>();

    private Fixture() {}

    public static Fixture create(ApiClient api, String admin) {
        Fixture f = new Fixture();
        String s = Long.toString(System.nanoTime(), 36);
        f.names.put("network", "net-" + s);
        f.names.put("role", "role-" + s);
        f.names.put("user", "user-" + s);
        f.names.put("host", "host-" + s);
        f.names.put("suffix", s);
        expect(api.post("/api/v1/networks", admin, f.fill("{\"name\":\"{network}\",\"description\":\"fixture\"}")), 201);
        expect(api.post("/api/v1/roles", admin,
                f.fill("{\"name\":\"{role}\",\"logins\":[\"root\"],\"hostLabels\":{\"env\":\"{suffix}\"}}")), 201);
        expect(api.post("/api/v1/users", admin, f.fill("{\"username\":\"{user}\",\"roles\":[\"{role}\"]}")), 201);
        expect(api.post("/api/v1/hosts", admin, f.fill(
                "{\"name\":\"{host}\",\"address\":\"10.9.8.7:22\",\"labels\":{\"env\":\"{suffix}\"},\"network\":\"{network}\"}")), 201);
        f.names.put("joinToken", expect(api.post("/api/v1/join-tokens", admin,
                f.fill("{\"network\":\"{network}\",\"ttlSeconds\":600}")), 201).json().get("id").asString());
        f.names.put("apiToken", expect(api.post("/api/v1/api-tokens", admin,
                f.fill("{\"name\":\"tok-{suffix}\",\"scope\":\"auditor\"}")), 201).json().get("id").asString());
        f.names.put("key", expect(api.post(f.fill("/api/v1/users/{user}/keys"), admin,
                "{\"publicKey\":\"" + SshKeys.ed25519(keyDirectory()).publicKeyLine() + "\"}"), 201).json().get("id").asString());
        return f;
    }

    static java.nio.file.Path keyDirectory() {
        try {
            return java.nio.file.Files.createTempDirectory("gatehouse-key-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public String get(String name) {
        return names.get(name);
    }

    /** Replaces every {@code {name}} in {@code template} by this fixture's value. */
    public String fill(String template) {
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
