package dev.gatehouse.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Creates and upgrades the audit tables. Uses its own Flyway history table and migration location so it can share a
 * database with the control plane's own migrations without either seeing the other's.
 */
public final class AuditSchema {

    public static final String HISTORY_TABLE = "audit_schema_history";
    public static final String LOCATION = "classpath:dev/gatehouse/audit/db/migration";

    /** Every audit table's name starts with this; {@link #grantRuntime} covers each one by that name alone. */
    public static final String TABLE_PREFIX = "audit_";

    /**
     * The audit tables the running code must UPDATE: indexes the store keeps current (the chain's tip, the session
     * list), which verification never trusts. Every other audit table is evidence: INSERT and SELECT only.
     */
    public static final Set<String> UPDATABLE_TABLES = Set.of("audit_chain_head", "audit_sessions");

    private AuditSchema() {
    }

    /** Applies pending audit migrations; safe to call at every start. Run it as the role that owns the tables. */
    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .table(HISTORY_TABLE)
                .locations(LOCATION)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    /**
     * Gives {@code runtimeRole} exactly what the running code needs on every audit table of the current schema, new
     * ones included: SELECT and INSERT, plus UPDATE on {@link #UPDATABLE_TABLES}; never DELETE or TRUNCATE, and since
     * it owns nothing it cannot disable the append-only triggers. Run as the owner after {@link #migrate}.
     */
    public static void grantRuntime(DataSource owner, String runtimeRole) {
        Objects.requireNonNull(owner, "owner");
        String role = quote(Objects.requireNonNull(runtimeRole, "runtimeRole"));
        try (Connection c = owner.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (Relation relation : relations(c)) {
                    String name = quote(relation.name());
                    if (relation.sequence()) {
                        s.execute("GRANT USAGE, SELECT ON SEQUENCE " + name + " TO " + role);
                        continue;
                    }
                    s.execute("REVOKE ALL ON TABLE " + name + " FROM " + role);
                    if (relation.name().equals(HISTORY_TABLE)) {
                        continue;
                    }
                    String privileges = UPDATABLE_TABLES.contains(relation.name()) ? "SELECT, INSERT, UPDATE" : "SELECT, INSERT";
                    s.execute("GRANT " + privileges + " ON TABLE " + name + " TO " + role);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot grant the audit tables to " + runtimeRole + ": " + e.getMessage(), e);
        }
    }

    private record Relation(String name, boolean sequence) {}

    private static List<Relation> relations(Connection c) throws SQLException {
        List<Relation> relations = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT c.relname, c.relkind = 'S' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                  AND starts_with(c.relname, ?) ORDER BY c.relname""")) {
            ps.setString(1, TABLE_PREFIX);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    relations.add(new Relation(rs.getString(1), rs.getBoolean(2)));
                }
            }
        }
        return relations;
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
