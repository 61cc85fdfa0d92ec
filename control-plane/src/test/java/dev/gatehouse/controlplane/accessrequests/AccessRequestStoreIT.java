package dev.gatehouse.controlplane.accessrequests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testkit.TestDatabase;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The table on PostgreSQL: an approval grants its role until it expires, and a request is decided once only. */
class AccessRequestStoreIT {

    private static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");
    private static JdbcClient jdbc;
    private static AccessRequestStore store;

    @BeforeAll
    static void migrate() {
        DataSource dataSource = TestDatabase.create().dataSource();
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/controlplane").load().migrate();
        jdbc = JdbcClient.create(dataSource);
        store = new AccessRequestStore(jdbc);
        jdbc.sql("INSERT INTO roles (name, logins, host_labels, forward_destinations, max_session_seconds,"
                + " allow_remote_forwarding, allow_agent_forwarding) VALUES ('db-admin', '[]', '{}', '[]', 60,"
                + " false, false)").update();
    }

    @Test
    void approvedRequestThenRoleGrantedUntilExpiryAndListedAsLapsedAfter() {
        String person = person();
        AccessRequest pending = pending(person);
        store.insert(pending);
        assertThat(store.countPending(person)).isEqualTo(1);
        assertThat(store.grantedRoles(person, T0)).isEmpty();

        AccessRequest approved = AccessRequestRules.approve(pending, "root", T0);
        assertThat(store.move(approved, AccessRequest.Status.PENDING)).isTrue();

        assertThat(store.find(pending.id())).contains(approved);
        assertThat(store.countPending(person)).isZero();
        Instant end = approved.expiresAt();
        assertThat(store.grantedRoles(person, end.minusSeconds(1))).containsExactly("db-admin");
        assertThat(store.grantedRoles(person, end)).isEmpty();
        assertThat(store.holders("db-admin", end.minusSeconds(1))).contains(person);
        assertThat(store.holders("db-admin", end)).doesNotContain(person);
        assertThat(store.lapsed(end, 100)).extracting(AccessRequest::id).contains(pending.id());
        assertThat(store.lapsed(end.minusSeconds(1), 100)).extracting(AccessRequest::id).doesNotContain(pending.id());
    }

    @Test
    void secondDecisionOnOneRequestThenFindsNothingToMove() {
        AccessRequest pending = pending(person());
        store.insert(pending);
        assertThat(store.move(AccessRequestRules.close(pending, AccessRequest.Status.DENIED, "root", T0),
                AccessRequest.Status.PENDING)).isTrue();
        assertThat(store.move(AccessRequestRules.approve(pending, "bob", T0), AccessRequest.Status.PENDING)).isFalse();
        assertThat(store.find(pending.id()).orElseThrow().status()).isEqualTo(AccessRequest.Status.DENIED);
        assertThat(store.grantedRoles(pending.username(), T0)).isEmpty();
    }

    private static String person() {
        String name = "p" + UUID.randomUUID().toString().substring(0, 8);
        jdbc.sql("INSERT INTO users (username, roles) VALUES (?, '[]'::jsonb)").param(name).update();
        return name;
    }

    private static AccessRequest pending(String person) {
        return new AccessRequest(UUID.randomUUID(), person, "db-admin", "INC-42", 30, AccessRequest.Status.PENDING,
                null, null, null, T0);
    }
}
