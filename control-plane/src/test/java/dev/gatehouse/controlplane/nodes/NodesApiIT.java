package dev.gatehouse.controlplane.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.ConsoleSignIn;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import java.sql.Timestamp;
import java.time.Instant;
import dev.gatehouse.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/v1/nodes}: admins and auditors see each enrolled node, whether it is heard from and how many
 * sessions it holds a slot for; an anonymous caller and a person without an API scope are refused, and audited.
 */
class NodesApiIT extends GatehouseTestApplication {

    private static final String PASSWORD = "a-person-password-0123";

    @Test
    void adminsAndAuditorsSeeEachNodeWithItsSessions() {
        String heard = unique("node-heard");
        String silent = unique("node-silent");
        JdbcClient owner = JdbcClient.create(databaseOwner());
        Instant now = Instant.now();
        enrol(owner, heard, now);
        enrol(owner, silent, now.minusSeconds(600));
        for (int i = 0; i < 2; i++) {
            owner.sql("INSERT INTO session_slots (session_id, username, node, reserved_at) VALUES (?, 'nina', ?, ?)")
                    .params(unique("slot"), heard, Timestamp.from(now)).update();
        }

        for (String token : new String[] {ADMIN, token(unique("nodes-auditor"), "auditor")}) {
            ApiClient.Reply listed = api.get("/api/v1/nodes", token);
            assertThat(listed.status()).as(listed.body()).isEqualTo(200);
            JsonNode one = node(listed.json(), heard);
            assertThat(one.get("sessions").asLong()).isEqualTo(2);
            assertThat(one.get("live").asBoolean()).isTrue();
            assertThat(one.get("role").asString()).isEqualTo("bastion");
            JsonNode other = node(listed.json(), silent);
            assertThat(other.get("sessions").asLong()).isZero();
            assertThat(other.get("live").asBoolean()).as("silent for 10 minutes").isFalse();
            assertThat(listed.body()).doesNotContain("recording").doesNotContain("serial");
        }
    }

    @Test
    void anonymousCallersAndPersonsAreRefusedAndAudited() {
        String address = ApiClient.freshLoopbackAddress();
        String person = new AccessFixture(api, ADMIN).person("nodes-person").password(PASSWORD).create();

        assertThat(ApiClient.from(port, address).get("/api/v1/nodes", null).status()).isEqualTo(401);
        assertThat(ConsoleSignIn.of(api, person, PASSWORD).get("/api/v1/nodes").status()).isEqualTo(403);

        assertThat(api.get("/api/v1/audit/events?type=api.unauthenticated&limit=100", ADMIN).body())
                .contains("GET /api/v1/nodes").contains(address);
        assertThat(api.get("/api/v1/audit/events?type=api.forbidden&actor=" + person, ADMIN).body())
                .contains("GET /api/v1/nodes");
    }

    @Test
    void anAdminRevokesANodeWhoseSlotsAreThenFreedAndOnlyAnAdminMay() {
        String name = unique("node-revoked");
        JdbcClient owner = JdbcClient.create(databaseOwner());
        enrol(owner, name, Instant.now());
        String slot = unique("slot");
        owner.sql("INSERT INTO session_slots (session_id, username, node, reserved_at) VALUES (?, 'nina', ?, ?)")
                .params(slot, name, Timestamp.from(Instant.now())).update();
        String auditor = token(unique("nodes-auditor"), "auditor");

        assertThat(api.delete("/api/v1/nodes/" + name, auditor).status()).as("an auditor").isEqualTo(403);
        assertThat(ApiClient.from(port, ApiClient.freshLoopbackAddress()).delete("/api/v1/nodes/" + name, null)
                .status()).as("anonymous").isEqualTo(401);
        assertThat(node(api.get("/api/v1/nodes", ADMIN).json(), name).get("revoked").asBoolean()).isFalse();
        assertThat(api.get("/api/v1/audit/events?type=api.forbidden&limit=100", ADMIN).body())
                .contains("DELETE /api/v1/nodes/" + name);

        assertThat(api.delete("/api/v1/nodes/" + name, ADMIN).status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/nodes/" + name, ADMIN).status()).as("again: nothing to do").isEqualTo(204);
        assertThat(api.delete("/api/v1/nodes/" + unique("no-such-node"), ADMIN).status()).isEqualTo(404);

        JsonNode revoked = node(api.get("/api/v1/nodes", ADMIN).json(), name);
        assertThat(revoked.get("revoked").asBoolean()).isTrue();
        assertThat(revoked.get("live").asBoolean()).as("a revoked node is not live").isFalse();
        assertThat(api.get("/api/v1/audit/events?type=node.revoked&target=node:" + name, ADMIN).json().get("events"))
                .hasSize(1);
        assertThat(owner.sql("SELECT count(*) FROM bastion_nodes WHERE name = ? AND revoked_at IS NOT NULL")
                .param(name).query(Long.class).single()).isEqualTo(1);

        // Node liveness (run by the control-plane role) treats a revoked node as gone: its slots are freed at once,
        // though it was heard from a moment ago.
        checkLiveness(owner);
        assertThat(owner.sql("SELECT count(*) FROM session_slots WHERE session_id = ?").param(slot).query(Long.class)
                .single()).as("the revoked node's slot").isZero();
    }

    @Test
    void livenessDeletesNodeOrdersOlderThanADay() {
        String node = unique("node-orders");
        JdbcClient owner = JdbcClient.create(databaseOwner());
        enrol(owner, node, Instant.now());
        Instant now = Instant.now();
        String old = unique("session-old");
        String recent = unique("session-recent");
        for (String session : new String[] {old, recent}) {
            Instant created = session.equals(old) ? now.minus(NodeLiveness.ORDERS_KEPT).minusSeconds(60) : now;
            owner.sql("INSERT INTO node_orders (node, kind, session_id, reason, actor, created_at)"
                    + " VALUES (?, 'watch', ?, 'live view', 'admin', ?)").params(node, session,
                    Timestamp.from(created)).update();
        }
        checkLiveness(owner);
        assertThat(owner.sql("SELECT session_id FROM node_orders WHERE node = ?").param(node).query(String.class)
                .list()).as("only the order of a moment ago is left").containsExactly(recent);
    }

    /** One liveness check now (liveness judges nothing in its first SILENCE, so it is started in the past). */
    private void checkLiveness(JdbcClient owner) {
        SettableClock clock = new SettableClock(Instant.now().minus(NodeLiveness.SILENCE).minusSeconds(1));
        NodeLiveness liveness = new NodeLiveness(owner, batch -> {}, new ClusterSessionLimit(owner,
                new TransactionTemplate(new DataSourceTransactionManager(databaseOwner())), 2, clock), clock);
        clock.advance(NodeLiveness.SILENCE.plusSeconds(1));
        liveness.check();
        liveness.close();
    }

    private static void enrol(JdbcClient owner, String name, Instant lastSeen) {
        // No recording key: every test of this JVM shares the database, and verify checks recordings against the
        // recording keys of every node that enrolled.
        owner.sql("INSERT INTO bastion_nodes (name, role, cert_serial, enrolled_at, last_seen_at)"
                + " VALUES (?, 'bastion', ?, ?, ?)").params(name, unique("serial"),
                Timestamp.from(lastSeen), Timestamp.from(lastSeen)).update();
    }

    private static JsonNode node(JsonNode nodes, String name) {
        for (JsonNode node : nodes) {
            if (node.get("name").asString().equals(name)) {
                return node;
            }
        }
        throw new AssertionError("no node " + name + " in " + nodes);
    }
}
