package dev.gatehouse.controlplane.audit;

import dev.gatehouse.audit.AuditSchema;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.controlplane.database.DatabaseServer;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The audit module's event store on the control plane's (transaction-aware) DataSource, so an admin change and its
 * event commit together. The audit tables are migrated here as the owner role, with the audit module's own Flyway
 * history; then the runtime role is granted its share (INSERT and SELECT on evidence).
 */
@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

    @Bean
    PostgresAuditStore auditStore(DataSource dataSource, DatabaseServer database) {
        AuditSchema.migrate(database.ownerDataSource());
        database.runtimeRole().ifPresent(role -> AuditSchema.grantRuntime(database.ownerDataSource(), role));
        return new PostgresAuditStore(dataSource);
    }

    @Bean
    ControlPlaneAudit auditTrail(PostgresAuditStore store) {
        return new AuditSinkWriter(store);
    }
}
