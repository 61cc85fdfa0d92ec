package dev.gatehouse.controlplane.sessions;

import dev.gatehouse.audit.blob.BlobStore;
import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.audit.export.SessionExport;
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

    /** Playback and exports of recordings; each view or export is logged in the audit store itself. */
    @Bean
    SessionExport sessionExport(PostgresAuditStore events, BlobStore blobs, AuditKey key) {
        return new SessionExport(events, blobs, key, events);
    }
}
