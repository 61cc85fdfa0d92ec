package dev.gatehouse.controlplane.sessions;

import dev.gatehouse.audit.search.SessionSearch;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class SessionConfiguration {

    @Bean
    SessionSearch sessionSearch(DataSource dataSource) {
        return new SessionSearch(dataSource);
    }
}
