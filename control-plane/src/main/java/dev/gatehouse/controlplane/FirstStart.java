package dev.gatehouse.controlplane;

import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.config.StartupReport;
import dev.gatehouse.controlplane.database.DatabaseServer;
import dev.gatehouse.controlplane.http.HttpEndpoint;
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
    private final HttpEndpoint endpoint;
    private final Optional<StartupReport.GeneratedToken> generatedToken;

    FirstStart(GatehouseSettings settings, DatabaseServer database, ApiTokenStore tokens, Clock clock,
            HttpEndpoint endpoint) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.database = Objects.requireNonNull(database, "database");
        this.generatedToken = BootstrapToken.ensure(tokens, settings, clock).map(secret -> handOut(secret));
    }

    /**
     * A terminal gets the generated token in the start-up report; a service's standard output is a log, so there it
     * goes to an owner-only file in the data directory instead.
     */
    private StartupReport.GeneratedToken handOut(String secret) {
        return onTerminal() ? new StartupReport.GeneratedToken(secret, null)
                : new StartupReport.GeneratedToken(secret, BootstrapToken.writeOwnerOnly(settings.dataDir(), secret));
    }

    @SuppressWarnings("SystemConsoleNull") // before Java 22 a missing terminal is a null console; handled both ways
    private static boolean onTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // Console.isTerminal() exists from Java 22 on, where System.console() is no longer null without a terminal.
            return (boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException beforeJava22) {
            return true;
        }
    }

    @EventListener
    void ready(ApplicationReadyEvent event) {
        if (settings.role() == GatehouseSettings.Role.CLI) {
            return;
        }
        int port = event.getApplicationContext() instanceof WebServerApplicationContext web && web.getWebServer() != null
                ? web.getWebServer().getPort() : settings.http().port();
        HttpEndpoint.Served served = endpoint.served();
        StartupReport.print(System.out, settings, port, new StartupReport.Listener(served.scheme(), served.bindAddress(),
                served.certificateFingerprint()), database.description(), generatedToken);
    }
}
