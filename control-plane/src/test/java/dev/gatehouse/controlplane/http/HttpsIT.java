package dev.gatehouse.controlplane.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.controlplane.GatehouseApplication;
import dev.gatehouse.controlplane.ca.CertificateAuthorities;
import dev.gatehouse.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * HTTPS for the API and console with {@code gatehouse.http.tls.certificate=auto}, driven by real curl trusting only the
 * gateway's CA: plain HTTP on the port is refused, the session cookie is Secure, HSTS and CSP are sent, the banner
 * prints the certificate's fingerprint. Plain HTTP beyond loopback needs an explicit setting.
 */
@ExtendWith(OutputCaptureExtension.class)
class HttpsIT {

    private static final String ADMIN = "https-test-bootstrap-token-0123456789";

    @TempDir
    Path dataDir;

    @Test
    void autoTlsServesTheConsoleAndApiOverHttpsOnly(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext gateway = start("--gatehouse.http.tls.certificate=auto")) {
            int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
            Path ca = dataDir.resolve("gateway-ca.pem");
            Files.writeString(ca, gateway.getBean(CertificateAuthorities.class).x509CaPem());
            String base = "https://localhost:" + port;

            String health = curl("--cacert", ca.toString(), base + "/actuator/health");
            assertThat(health).startsWith("HTTP/1.1 200").contains("\"UP\"");

            String plain = curl("http://localhost:" + port + "/api/v1/users", "-H", "Authorization: Bearer " + ADMIN);
            assertThat(plain).doesNotStartWith("HTTP/1.1 200").doesNotContain("\"username\"");

            assertThat(curl("--cacert", ca.toString(), base + "/api/v1/users", "-X", "POST", "-H",
                    "Authorization: Bearer " + ADMIN, "-H", "Content-Type: application/json", "-d",
                    "{\"username\":\"tls-admin\",\"roles\":[],\"apiScope\":\"admin\",\"password\":\"correct horse battery\"}"))
                    .startsWith("HTTP/1.1 201");
            String login = curl("--cacert", ca.toString(), base + "/api/v1/session", "-X", "POST", "-H",
                    "Content-Type: application/json", "-d", "{\"username\":\"tls-admin\",\"password\":\"correct horse battery\"}");
            assertThat(login).startsWith("HTTP/1.1 200");
            assertThat(header(login, "set-cookie: GATEHOUSE_SESSION=")).contains("Secure").contains("HttpOnly");
            assertThat(header(login, "strict-transport-security:")).contains("max-age=");
            assertThat(header(curl("--cacert", ca.toString(), base + "/"), "content-security-policy:"))
                    .contains("default-src 'self'").contains("frame-ancestors 'none'");

            assertThat(output.getOut()).contains(base + "/").containsPattern("TLS, certificate SHA256:([0-9A-F]{2}:){31}[0-9A-F]{2}");
        }
    }

    @Test
    void plainHttpOnANonLoopbackAddressNeedsAnExplicitSetting(CapturedOutput output) {
        assertThatThrownBy(() -> start("--gatehouse.http.bind-address=0.0.0.0").close()).isInstanceOf(Exception.class);

        assertThat(output.getAll()).contains("gatehouse.http.bind-address").contains("plaintext-on-network");
    }

    private ConfigurableApplicationContext start(String... extra) {
        TestDatabase database = TestDatabase.create();
        List<String> args = new ArrayList<>(List.of("--gatehouse.data-dir=" + dataDir, "--server.port=0",
                "--gatehouse.ssh.port=0", "--gatehouse.ssh.bind-address=127.0.0.1", "--gatehouse.tunnel.port=0",
                "--gatehouse.tunnel.bind-address=127.0.0.1", "--gatehouse.database.url=" + database.jdbcUrl(),
                "--gatehouse.database.username=" + database.username(),
                "--gatehouse.database.password=" + (database.password() == null ? "" : database.password()),
                "--gatehouse.bootstrap-token=" + ADMIN, "--logging.file.name=" + dataDir.resolve("logs/gatehouse.log")));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(GatehouseApplication.class).run(args.toArray(String[]::new));
    }

    /** Real curl: status line and headers, then the body. */
    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-i", "--max-time", "20"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }

    private static String header(String response, String prefix) {
        return response.lines().filter(line -> line.toLowerCase(java.util.Locale.ROOT).startsWith(prefix.toLowerCase(
                java.util.Locale.ROOT))).findFirst().orElse("");
    }
}
