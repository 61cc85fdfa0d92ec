package dev.gatehouse.controlplane;

import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.config.StartupReport;
import dev.gatehouse.controlplane.database.DatabaseServer;
import dev.gatehouse.controlplane.tokens.ApiTokenStore;
import dev.gatehouse.controlplane.tokens.BootstrapToken;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.DependsOn;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Makes sure the admin token exists once the schema is migrated, and tells the operator where everything is when the
 * gateway is ready. (The certificate authorities are created by {@code ca.CertificateAuthorities} the same way.)
 */
@Component
@DependsOn("flywayInitializer")
final class FirstStart {

    private final GatehouseSettings settings;
    private final DatabaseServer database;
    private final Optional<String> generatedToken;

    FirstStart(GatehouseSettings settings, DatabaseServer database, ApiTokenStore tokens, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.database = Objects.requireNonNull(database, "database");
        this.generatedToken = BootstrapToken.ensure(tokens, settings, clock);
    }

    @EventListener
    void ready(ApplicationReadyEvent event) {
        if (settings.role() == GatehouseSettings.Role.CLI) {
            return;
        }
        int port = event.getApplicationContext() instanceof WebServerApplicationContext web && web.getWebServer() != null
                ? web.getWebServer().getPort() : settings.http().port();
        StartupReport.print(System.out, settings, port, database.description(), generatedToken);
    }
}
