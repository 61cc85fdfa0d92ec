package dev.gatehouse.controlplane.config;

import java.io.PrintStream;
import java.util.Objects;
import java.util.Optional;

/**
 * What the operator sees once the gateway is up: where the API, console and SSH port are and, on the very first start
 * without {@code GATEHOUSE_BOOTSTRAP_TOKEN}, the generated admin token. Printed to the console only, never to the
 * log files.
 */
public final class StartupReport {

    private StartupReport() {}

    public static void print(PrintStream out, GatehouseSettings settings, int httpPort, String database,
            Optional<String> generatedToken) {
        Objects.requireNonNull(out, "out");
        String base = "http://localhost:" + httpPort;
        StringBuilder text = new StringBuilder()
                .append("\n  Gatehouse is up (role ").append(settings.role().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).append(")\n")
                .append("    console      ").append(base).append("/\n")
                .append("    REST API     ").append(base).append("/api/v1  (OpenAPI: ").append(base).append("/api/v1/openapi.json)\n")
                .append("    SSH          ssh -p ").append(settings.ssh().port()).append(" <user>@localhost\n")
                .append("    health       ").append(base).append("/actuator/health\n")
                .append("    data         ").append(settings.dataDir().toAbsolutePath().normalize()).append('\n')
                .append("    database     ").append(database).append('\n');
        generatedToken.ifPresent(token -> text
                .append("\n  Admin API token (shown this once; only its hash is stored):\n")
                .append("    ").append(token).append('\n')
                .append("  Use it as: curl -H 'Authorization: Bearer ").append(token).append("' ").append(base).append("/api/v1/users\n"));
        out.println(text);
        out.flush();
    }
}
