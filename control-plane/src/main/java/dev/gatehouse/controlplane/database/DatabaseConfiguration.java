package dev.gatehouse.controlplane.database;

import dev.gatehouse.controlplane.config.GatehouseSettings;
import javax.sql.DataSource;
import org.flywaydb.core.api.callback.Callback;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One DataSource for everything, transaction-aware, so the audit module's insert joins the admin change's
 * transaction: a change and its audit event commit together or not at all.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    // The master key first: a bad one then stops start-up before an embedded PostgreSQL is started for nothing.
    @Bean(destroyMethod = "close")
    @DependsOn("masterKey")
    DatabaseServer databaseServer(GatehouseSettings settings) {
        return DatabaseServer.start(settings);
    }

    // Spring Boot's Flyway runs the control plane's migrations as the owner role, then grants the runtime role its share.
    @Bean
    FlywayConfigurationCustomizer migrationsAsOwner(DatabaseServer server) {
        return configuration -> configuration.dataSource(server.ownerDataSource());
    }

    @Bean
    Callback runtimeGrants(DatabaseServer server) {
        return new RuntimeGrants(server.runtimeRole());
    }

    @Bean
    DataSource dataSource(DatabaseServer server) {
        return new TransactionAwareDataSourceProxy(server.dataSource());
    }

    @Bean
    PlatformTransactionManager transactionManager(DataSource dataSource) {
        return new DataSourceTransactionManager(dataSource);
    }

    @Bean
    TransactionTemplate transactionTemplate(PlatformTransactionManager transactionManager) {
        return new TransactionTemplate(transactionManager);
    }

    @Bean
    JdbcClient jdbcClient(DataSource dataSource) {
        return JdbcClient.create(dataSource);
    }
}
