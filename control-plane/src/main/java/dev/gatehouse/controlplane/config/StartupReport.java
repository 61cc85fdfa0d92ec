package dev.gatehouse.controlplane.config;

import java.io.PrintStream;
import java.util.Objects;
import java.util.Optional;

/**
 * What the operator sees once the gateway is up: where the API, console and SSH port are and, on the very first start
 * without {@code GATEHOUSE_BOOTSTRAP_TOKEN}, the generated admin token: printed here when standard output is a terminal,
 * else only where it was written (an owner-only file), since a service's standard output is a log. Never logged.
 */
public final class StartupReport {

    private StartupReport() {}

    /** A generated admin token: shown in the report, or written to {@code file} and only that path shown. */
    public record GeneratedToken(String secret, java.nio.file.Path file) {}

    /** How the API and console are served: {@code http} or {@code https}, and the certificate's SHA-256 fingerprint. */
    public record Listener(String scheme, String bindAddress, Optional<String> certificateFingerprint) {}

    public static void print(PrintStream out, GatehouseSettings settings, int httpPort, Listener listener,
            String database, Optional<GeneratedToken> generatedToken) {
        Objects.requireNonNull(out, "out");
        String base = listener.scheme() + "://localhost:" + httpPort;
        StringBuilder text = new StringBuilder()
                .append("\n  Gatehouse is up (role ").append(settings.role().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).append(")\n")
                .append("    console      ").append(base).append("/\n")
                .append("    REST API     ").append(base).append("/api/v1  (OpenAPI: ").append(base).append("/api/v1/openapi.json)\n")
                .append("    SSH          ssh -p ").append(settings.ssh().port()).append(" <user>@localhost\n")
                .append("    health       ").append(base).append("/actuator/health\n")
                .append("    listening    ").append(listener.bindAddress()).append(':').append(httpPort)
                .append(listener.certificateFingerprint().map(f -> "  (TLS, certificate " + f + ")")
                        .orElse("  (plain HTTP" + (settings.http().plaintextOnNetwork() ? ", allowed on the network by"
                                + " gatehouse.http.plaintext-on-network" : ", this machine only: for other machines set"
                                + " gatehouse.http.tls.certificate to a PEM file or auto") + ")")).append('\n')
                .append("    data         ").append(settings.dataDir().toAbsolutePath().normalize()).append('\n')
                .append("    database     ").append(database).append('\n');
        generatedToken.filter(token -> token.file() == null).map(GeneratedToken::secret).ifPresent(token -> text
                .append("\n  Admin API token (shown this once; only its hash is stored):\n")
                .append("    ").append(token).append('\n')
                .append("  Use it as: curl -H 'Authorization: Bearer ").append(token).append("' ").append(base).append("/api/v1/users\n"));
        generatedToken.map(GeneratedToken::file).ifPresent(file -> text
                .append("\n  Admin API token: written to ").append(file).append(" (owner-only; standard output is not a")
                .append(" terminal, so it is not shown here). Store it elsewhere and delete the file.\n"));
        out.println(text);
        out.flush();
    }
}
