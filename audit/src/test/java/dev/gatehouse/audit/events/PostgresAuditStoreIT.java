package dev.gatehouse.audit.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.audit.AuditSchema;
import dev.gatehouse.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresAuditStoreIT {

    static DataSource db;
    static PostgresAuditStore store;

    @BeforeAll
    static void migrate() {
        db = TestDatabase.create().dataSource();
        AuditSchema.migrate(db);
        AuditSchema.migrate(db); // a second start finds nothing to do
        store = new PostgresAuditStore(db);
    }

    @Test
    void recordThenSearchByTypeActorTargetAndTimeFindsExactlyThoseEvents() {
        Instant t0 = Instant.parse("2026-01-01T10:00:00.123456789Z");
        store.record(AuditEvent.builder("user.created").actor("admin-token").target("alice").time(t0)
                .sourceAddress("10.0.0.9").change(null, Map.of("username", "alice", "roles", List.of("dev"))).build());
        store.record(AuditEvent.builder("auth.failed").actor("bob").denied().time(t0.plusSeconds(60))
                .detail("reason", "unknown key").build());

        List<StoredAuditEvent> created = store.search(AuditEventQuery.builder().type("user.created").build());
        assertThat(created).hasSize(1);
        AuditEvent e = created.getFirst().event();
        assertThat(e.actor()).isEqualTo("admin-token");
        assertThat(e.target()).isEqualTo("alice");
        assertThat(e.sourceAddress()).isEqualTo("10.0.0.9");
        assertThat(e.time()).isEqualTo(Instant.parse("2026-01-01T10:00:00.123456Z"));
        assertThat(e.details()).containsEntry("before", null);
        assertThat(((Map<?, ?>) e.details().get("after")).get("roles")).isEqualTo(List.of("dev"));

        assertThat(store.search(AuditEventQuery.builder().actor("bob").build()))
                .extracting(s -> s.event().outcome()).containsExactly("denied");
        assertThat(store.search(AuditEventQuery.builder().from(t0.plusSeconds(1)).type("user.created").build()))
                .isEmpty();
    }

    @Test
    void anEventWhoseTimePostgresCannotHoldIsRefusedAsBadDataAndTheConnectionGoesOn() throws SQLException {
        try (Connection c = db.getConnection()) {
            PostgresAuditStore onOneConnection = new PostgresAuditStore(new SingleConnectionDataSource(c));
            // Past PostgreSQL's range (refused by the server), and past a long's microseconds (refused before it).
            for (String far : List.of("-5000-01-01T00:00:00Z", "+300000-01-01T00:00:00Z")) {
                AuditEvent event = AuditEvent.builder("time.far").actor("clock").time(Instant.parse(far)).build();
                assertThatThrownBy(() -> onOneConnection.append(List.of(new LinkedEvent(event, null))))
                        .isInstanceOf(AuditStoreException.class)
                        .satisfies(e -> assertThat(((SQLException) e.getCause()).getSQLState()).as(far).startsWith("22"));
            }
            onOneConnection.record(AuditEvent.builder("time.far").actor("clock").build());
        }
        assertThat(store.search(AuditEventQuery.builder().type("time.far").build())).hasSize(1);
    }

    @Test
    void searchPagesWithTheLastIdAsCursor() {
        for (int i = 0; i < 5; i++) {
            store.record(AuditEvent.builder("page.test").actor("pager").detail("n", i).build());
        }
        var q = AuditEventQuery.builder().type("page.test").limit(2);
        List<StoredAuditEvent> first = store.search(q.build());
        List<StoredAuditEvent> second = store.search(q.afterId(first.getLast().id()).build());
        List<StoredAuditEvent> third = store.search(q.afterId(second.getLast().id()).build());
        assertThat(first).extracting(s -> s.event().details().get("n")).containsExactly(0, 1);
        assertThat(second).extracting(s -> s.event().details().get("n")).containsExactly(2, 3);
        assertThat(third).extracting(s -> s.event().details().get("n")).containsExactly(4);
    }

    @Test
    void updateAndDeleteOfAnEventAreRefusedByTheDatabase() {
        store.record(AuditEvent.builder("append.only").build());
        assertThatThrownBy(() -> exec("UPDATE audit_events SET actor = 'mallory' WHERE type = 'append.only'"))
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> exec("DELETE FROM audit_events WHERE type = 'append.only'"))
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> exec("TRUNCATE audit_events")).hasMessageContaining("append-only");
    }

    @Test
    void recordInsideACallersTransactionRollsBackWithIt() throws SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            DataSource sameConnection = new SingleConnectionDataSource(c);
            new PostgresAuditStore(sameConnection).record(AuditEvent.builder("rolled.back").build());
            c.rollback();
        }
        assertThat(store.search(AuditEventQuery.builder().type("rolled.back").build())).isEmpty();
    }

    @Test
    void consecutiveEventsAreLinkedIntoOneChain() {
        store.record(AuditEvent.builder("chain.a").build());
        store.record(AuditEvent.builder("chain.b").build());
        List<StoredAuditEvent> all = store.search(AuditEventQuery.builder().limit(1000).build());
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).id()).isEqualTo(all.get(i - 1).id() + 1);
            assertThat(all.get(i).prevHash()).isEqualTo(all.get(i - 1).hash());
        }
    }

    @Test
    void badInputIsRefusedWithAMessageNamingTheField() {
        assertThatThrownBy(() -> AuditEvent.builder("x").outcome("maybe").build())
                .hasMessageContaining("outcome");
        assertThatThrownBy(() -> AuditEvent.builder("x").detail("ratio", Double.NaN).build())
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> AuditEventQuery.builder().limit(0).build()).hasMessageContaining("limit");
        // NUL cannot be stored by PostgreSQL: it is replaced, and the event stores.
        store.record(AuditEvent.builder("nul.test").actor("a\0b").detail("k", "v\0").build());
        assertThat(store.search(AuditEventQuery.builder().type("nul.test").build()).getFirst().event().actor())
                .isEqualTo("a\uFFFDb");
    }

    private static void exec(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
