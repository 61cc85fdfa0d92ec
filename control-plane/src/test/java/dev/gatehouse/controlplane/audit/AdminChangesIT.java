package dev.gatehouse.controlplane.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.audit.AuditSchema;
import dev.gatehouse.audit.events.AuditEventQuery;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.testkit.TestDatabase;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An admin change and its audit event share one PostgreSQL transaction (the audit module writes through the same
 * transaction-aware DataSource): if either fails, neither is stored.
 */
class AdminChangesIT {

    private JdbcClient jdbc;
    private PostgresAuditStore store;
    private TransactionTemplate transactions;

    @BeforeEach
    void database() {
        DataSource dataSource = new TransactionAwareDataSourceProxy(TestDatabase.create().dataSource());
        AuditSchema.migrate(dataSource);
        jdbc = JdbcClient.create(dataSource);
        jdbc.sql("CREATE TABLE things (name text PRIMARY KEY)").update();
        store = new PostgresAuditStore(dataSource);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    @Test
    void changeAndEventCommitTogether() {
        AdminChanges changes = new AdminChanges(transactions, new AuditSinkWriter(store));

        changes.apply("thing.created", "thing:a", () -> {
            jdbc.sql("INSERT INTO things VALUES ('a')").update();
            return new AdminChanges.Change<>(null, Map.of("name", "a"));
        });

        assertThat(things()).isEqualTo(1);
        assertThat(store.search(AuditEventQuery.builder().type("thing.created").build())).hasSize(1);
    }

    @Test
    void failingAuditWriteRollsTheChangeBack() {
        ControlPlaneAudit failing = record -> {
            new AuditSinkWriter(store).record(record);
            throw new IllegalStateException("audit store unavailable");
        };
        AdminChanges changes = new AdminChanges(transactions, failing);

        assertThatThrownBy(() -> changes.apply("thing.created", "thing:b", () -> {
            jdbc.sql("INSERT INTO things VALUES ('b')").update();
            return new AdminChanges.Change<>(null, Map.of("name", "b"));
        })).hasMessageContaining("audit store unavailable");

        assertThat(things()).as("the change was rolled back").isZero();
        assertThat(store.search(AuditEventQuery.builder().type("thing.created").build())).isEmpty();
    }

    @Test
    void failingChangeLeavesNoEvent() {
        AdminChanges changes = new AdminChanges(transactions, new AuditSinkWriter(store));
        jdbc.sql("INSERT INTO things VALUES ('c')").update();

        assertThatThrownBy(() -> changes.apply("thing.created", "thing:c", () -> {
            jdbc.sql("INSERT INTO things VALUES ('c')").update();
            return new AdminChanges.Change<>(null, Map.of("name", "c"));
        })).isInstanceOf(RuntimeException.class);

        assertThat(store.search(AuditEventQuery.builder().type("thing.created").build())).isEmpty();
    }

    private int things() {
        return jdbc.sql("SELECT count(*) FROM things").query(Integer.class).single();
    }
}
