package dev.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@link AuditSchema#grantRuntime}: the application's role appends events (moving the chain head) and keeps the
 * session index, but cannot delete, update, truncate or unguard evidence, in today's tables and in a table added later.
 */
class AuditSchemaGrantsIT {

    @Test
    void runtimeRoleAppendsEvidenceButCannotChangeItInAnyAuditTable() throws Exception {
        TestDatabase database = TestDatabase.create();
        TestDatabase.Roles roles = database.ownerAndRuntimeRoles();
        DataSource owner = database.dataSource(roles.owner(), roles.ownerPassword());
        DataSource runtime = database.dataSource(roles.runtime(), roles.runtimePassword());
        AuditSchema.migrate(owner);
        try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
            // A table a later migration adds: covered by its name alone.
            s.execute("CREATE TABLE audit_future_evidence (id bigint PRIMARY KEY)");
        }
        AuditSchema.grantRuntime(owner, roles.runtime());

        PostgresAuditStore store = new PostgresAuditStore(runtime);
        store.record(AuditEvent.builder("grants.checked").actor("alice").build());
        store.record(AuditEvent.builder("grants.checked").actor("bob").build());

        try (Connection c = runtime.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO audit_future_evidence VALUES (1)");
            s.execute("UPDATE audit_sessions SET chunks = chunks");
            for (String table : new String[] {"audit_events", "audit_checkpoints", "audit_commands",
                    "audit_session_text", "audit_future_evidence", "audit_chain_head", "audit_sessions"}) {
                assertRefused(s, "DELETE FROM " + table);
                assertRefused(s, "TRUNCATE " + table);
                assertRefused(s, "ALTER TABLE " + table + " DISABLE TRIGGER ALL");
            }
            assertRefused(s, "UPDATE audit_events SET actor = 'mallory'");
            assertRefused(s, "UPDATE audit_future_evidence SET id = 2");
            assertRefused(s, "INSERT INTO audit_schema_history (installed_rank) VALUES (99)");
        }
    }

    private static void assertRefused(Statement s, String sql) {
        assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).as(sql).isEqualTo("42501"));
    }
}
