package dev.gatehouse.controlplane;

import static dev.gatehouse.controlplane.ApiClient.expect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * People, roles and hosts made through the API, each under a fresh name built from a prefix:
 *
 * <pre>{@code
 * AccessFixture access = new AccessFixture(api, ADMIN);
 * String role = access.role("ops").logins(login).label("team", "ops").create();
 * String host = access.host("web").address("127.0.0.1:" + sshd.port()).label("team", "ops").create();
 * String person = access.person("alice").roles(role).key(key.publicKeyLine()).create();
 * }</pre>
 *
 * Each {@code create()} fails the set-up (with the reply) unless the API answers 201, and returns the name made.
 */
public final class AccessFixture {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ApiClient api;
    private final String token;

    public AccessFixture(ApiClient api, String token) {
        this.api = api;
        this.token = token;
    }

    public Role role(String prefix) {
        return new Role(fresh(prefix));
    }

    public Person person(String prefix) {
        return new Person(fresh(prefix));
    }

    public Host host(String prefix) {
        return new Host(fresh(prefix));
    }

    private static String fresh(String prefix) {
        return prefix + "-" + Long.toString(System.nanoTime(), 36);
    }

    private String created(String path, ObjectNode body, String name) {
        expect(api.post(path, token, JSON.writeValueAsString(body)), 201);
        return name;
    }

    /**
     * A role: its logins, the host labels it matches, the forwards it allows, how its holders' logins are approved,
     * who approves asking for it, and how long a detached shell waits.
     */
    public final class Role {
        private final String name;
        private final List<String> logins = new ArrayList<>();
        private final Map<String, String> hostLabels = new LinkedHashMap<>();
        private final List<String> forwardDestinations = new ArrayList<>();
        private final List<String> approvers = new ArrayList<>();
        private boolean portForwarding;
        private boolean requireSso;
        private boolean requireApproval;
        private Integer maxRequestMinutes;
        private Integer detachedSeconds;

        private Role(String name) {
            this.name = name;
        }

        /** The fresh name this role will be created under. */
        public String name() {
            return name;
        }

        public Role logins(String... values) {
            logins.addAll(List.of(values));
            return this;
        }

        public Role hostLabel(String key, String value) {
            hostLabels.put(key, value);
            return this;
        }

        public Role portForwarding() {
            portForwarding = true;
            return this;
        }

        /** {@code host:port} patterns the role's holders may forward to ({@code ssh -L}) within its hosts' networks. */
        public Role forwardDestinations(String... patterns) {
            forwardDestinations.addAll(List.of(patterns));
            return this;
        }

        /** People who may approve an access request for this role. */
        public Role approvers(String... people) {
            approvers.addAll(List.of(people));
            return this;
        }

        /** How long a shell whose engineer lost the connection waits for them (0: not at all). */
        public Role detachedSeconds(int seconds) {
            detachedSeconds = seconds;
            return this;
        }

        /** Its holders' SSH logins are approved in the browser instead of by a key. */
        public Role requireSso() {
            requireSso = true;
            return this;
        }

        /** Its holders' SSH logins are approved in the browser after their key. */
        public Role requireApproval() {
            requireApproval = true;
            return this;
        }

        /** People may ask for this role for up to this many minutes (an access request). */
        public Role maxRequestMinutes(int minutes) {
            maxRequestMinutes = minutes;
            return this;
        }

        public String create() {
            ObjectNode body = JSON.createObjectNode().put("name", name);
            logins.forEach(body.putArray("logins")::add);
            ObjectNode labels = body.putObject("hostLabels");
            hostLabels.forEach(labels::put);
            if (!forwardDestinations.isEmpty()) {
                forwardDestinations.forEach(body.putArray("forwardDestinations")::add);
            }
            if (!approvers.isEmpty()) {
                approvers.forEach(body.putArray("approvers")::add);
            }
            if (portForwarding) {
                body.put("portForwarding", true);
            }
            if (requireSso) {
                body.put("requireSso", true);
            }
            if (requireApproval) {
                body.put("requireApproval", true);
            }
            if (maxRequestMinutes != null) {
                body.put("maxRequestMinutes", maxRequestMinutes);
            }
            if (detachedSeconds != null) {
                body.put("detachedSeconds", detachedSeconds);
            }
            return created("/api/v1/roles", body, name);
        }
    }

    /** A person: the roles they hold and the ssh public keys they log in with. */
    public final class Person {
        private final String name;
        private final List<String> roles = new ArrayList<>();
        private final List<String> keys = new ArrayList<>();
        private String password;
        private String apiScope;

        private Person(String name) {
            this.name = name;
        }

        /** The fresh name this person will be created under. */
        public String name() {
            return name;
        }

        public Person roles(String... values) {
            roles.addAll(List.of(values));
            return this;
        }

        /** An OpenSSH public key line ({@code ssh-ed25519 AAAA...}). */
        public Person key(String publicKeyLine) {
            keys.add(publicKeyLine);
            return this;
        }

        /** A password for the console's sign-in. */
        public Person password(String value) {
            password = value;
            return this;
        }

        /** {@code admin} or {@code auditor}: what this person may do through the API and the console. */
        public Person apiScope(String value) {
            apiScope = value;
            return this;
        }

        public String create() {
            ObjectNode body = JSON.createObjectNode().put("username", name);
            roles.forEach(body.putArray("roles")::add);
            if (password != null) {
                body.put("password", password);
            }
            if (apiScope != null) {
                body.put("apiScope", apiScope);
            }
            created("/api/v1/users", body, name);
            keys.forEach(key -> created("/api/v1/users/" + name + "/keys",
                    JSON.createObjectNode().put("publicKey", key), name));
            return name;
        }
    }

    /** A host: its address, labels, network ({@code direct} unless set) and the host key pinned for it, if any. */
    public final class Host {
        private final String name;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private String address;
        private String network = "direct";
        private String hostKey;

        private Host(String name) {
            this.name = name;
        }

        /** The fresh name this host will be created under. */
        public String name() {
            return name;
        }

        /** {@code host:port} as the gateway (or the network's agent) dials it. */
        public Host address(String value) {
            address = value;
            return this;
        }

        public Host label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        public Host network(String value) {
            network = value;
            return this;
        }

        /** The OpenSSH public key line the gateway accepts from this host (else it learns the first it sees). */
        public Host hostKey(String publicKeyLine) {
            hostKey = publicKeyLine;
            return this;
        }

        public String create() {
            ObjectNode body = JSON.createObjectNode().put("name", name).put("address", address);
            ObjectNode labelNode = body.putObject("labels");
            labels.forEach(labelNode::put);
            body.put("network", network);
            if (hostKey != null) {
                body.put("hostKey", hostKey);
            }
            return created("/api/v1/hosts", body, name);
        }
    }
}
