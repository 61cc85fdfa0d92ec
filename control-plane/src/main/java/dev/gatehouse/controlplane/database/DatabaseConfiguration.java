package dev.gatehouse.controlplane.database;

import dev.gatehouse.controlplane.config.GatehouseSettings;
import javax.sql.DataSource;
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
