package dev.gatehouse.controlplane.database;

import dev.gatehouse.audit.AuditSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * After the control plane's migrations (run as the owner role), gives the runtime role full DML on every control-plane
 * table, present and future: all tables of the schema but the audit module's ({@link AuditSchema#TABLE_PREFIX}, which
 * {@link AuditSchema#grantRuntime} covers) and the migration histories. Then checks the runtime role owns nothing and
 * is no superuser, so it can neither disable the evidence tables' triggers nor rewrite them.
 */
final class RuntimeGrants implements Callback {

    private final String runtimeRole;

    /** {@code runtimeRole} empty: one role does everything (an external database without an owner role), no grants. */
    RuntimeGrants(Optional<String> runtimeRole) {
        this.runtimeRole = Objects.requireNonNull(runtimeRole, "runtimeRole").orElse(null);
    }

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.AFTER_MIGRATE && runtimeRole != null;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        String history = context.getConfiguration().getTable();
        try {
            Connection c = context.getConnection();
            grant(c, history);
            refuseIfPrivileged(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot grant the control plane's tables to " + runtimeRole + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String getCallbackName() {
        return "gatehouse runtime grants";
    }

    private void grant(Connection c, String history) throws SQLException {
        String role = quote(runtimeRole);
        List<String[]> relations = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                  AND NOT starts_with(c.relname, ?) AND c.relname <> ?""")) {
            ps.setString(1, AuditSchema.TABLE_PREFIX);
            ps.setString(2, history);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    relations.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        try (Statement s = c.createStatement()) {
            for (String[] relation : relations) {
                s.execute("S".equals(relation[1])
                        ? "GRANT USAGE, SELECT ON SEQUENCE " + quote(relation[0]) + " TO " + role
                        : "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE " + quote(relation[0]) + " TO " + role);
            }
        }
    }

    private void refuseIfPrivileged(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT r.rolsuper, (SELECT string_agg(c.relname, ', ' ORDER BY c.relname) FROM pg_class c
                        JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = current_schema() AND c.relowner = r.oid)
                FROM pg_roles r WHERE r.rolname = ?""")) {
            ps.setString(1, runtimeRole);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("the runtime role " + runtimeRole + " does not exist");
                }
                if (rs.getBoolean(1)) {
                    throw new IllegalStateException("the runtime role " + runtimeRole + " is a superuser: it could"
                            + " rewrite the evidence (ALTER ROLE " + runtimeRole + " NOSUPERUSER)");
                }
                String owned = rs.getString(2);
                if (owned != null) {
                    throw new IllegalStateException("the runtime role " + runtimeRole + " owns " + owned + ": it could"
                            + " disable the evidence tables' triggers (as their owner run REASSIGN OWNED BY "
                            + runtimeRole + " TO <owner role>)");
                }
            }
        }
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
