package dev.gatehouse.controlplane.accessrequests;

import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import dev.gatehouse.controlplane.revocation.AccessChangeLog;
import dev.gatehouse.controlplane.roles.RoleStore;
import dev.gatehouse.controlplane.users.UserStore;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

/** Access requests and the sweep that ends lapsed grants. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AccessRequestSettings.class)
class AccessRequestConfiguration {

    @Bean
    AccessRequests accessRequests(AccessRequestStore store, UserStore users, RoleStore roles,
            AccessChangeLog accessChanges, ControlPlaneAudit trail, TransactionTemplate transactions,
            AccessRequestSettings settings, Clock clock) {
        return new AccessRequests(store, users, roles, accessChanges, trail, transactions, settings, clock);
    }

    @Bean
    AccessRequestSweep accessRequestSweep(AccessRequests requests, AccessRequestSettings settings) {
        return new AccessRequestSweep(requests, settings.sweepInterval());
    }
}
