package dev.gatehouse.audit;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Creates and upgrades the audit tables. Uses its own Flyway history table and migration location so it can share a
 * database with the control plane's own migrations without either seeing the other's.
 */
public final class AuditSchema {

    public static final String HISTORY_TABLE = "audit_schema_history";
    public static final String LOCATION = "classpath:dev/gatehouse/audit/db/migration";

    private AuditSchema() {
    }

    /** Applies pending audit migrations; safe to call at every start. */
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
}
