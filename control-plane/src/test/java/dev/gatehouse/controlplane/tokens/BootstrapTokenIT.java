package dev.gatehouse.controlplane.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseApplication;
import dev.gatehouse.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The bootstrap admin token: {@code GATEHOUSE_BOOTSTRAP_TOKEN} seeds only an empty database, so a revocation survives a
 * restart; it expires after {@code gatehouse.bootstrap-token-ttl}; a generated one never reaches a log.
 */
@ExtendWith(OutputCaptureExtension.class)
class BootstrapTokenIT {

    private static final String SECRET = "bootstrap-token-under-test-0123456789";

    @TempDir
    Path dataDir;

    @Test
    void aRevokedBootstrapTokenStaysRevokedAfterARestartWithTheVariableStillSet() throws Exception {
        TestDatabase database = TestDatabase.create();
        try (ConfigurableApplicationContext first = start(database, "--gatehouse.bootstrap-token=" + SECRET)) {
            ApiClient api = new ApiClient(port(first));
            String id = null;
            for (var token : api.get("/api/v1/api-tokens", SECRET).json()) {
                if (token.get("name").asString().equals("bootstrap")) {
                    id = token.get("id").asString();
                }
            }
            assertThat(api.delete("/api/v1/api-tokens/" + id, SECRET).status()).isEqualTo(204);
        }

        try (ConfigurableApplicationContext second = start(database, "--gatehouse.bootstrap-token=" + SECRET)) {
            ApiClient.Reply reply = new ApiClient(port(second)).get("/api/v1/users", SECRET);

            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.body()).contains("revoked");
        }
    }

    @Test
    void theBootstrapTokenExpiresAfterItsTtl() throws Exception {
        try (ConfigurableApplicationContext gateway = start(TestDatabase.create(), "--gatehouse.bootstrap-token=" + SECRET,
                "--gatehouse.bootstrap-token-ttl=5s")) {
            ApiClient api = new ApiClient(port(gateway));
            assertThat(api.get("/api/v1/users", SECRET).status()).isEqualTo(200);

            Thread.sleep(6_000);

            ApiClient.Reply reply = api.get("/api/v1/users", SECRET);
            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.body()).contains("expired");
        }
    }

    @Test
    void aGeneratedTokenGoesToAnOwnerOnlyFileNotToStandardOutputOrTheLog(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext gateway = start(TestDatabase.create())) {
            Path file = dataDir.resolve("bootstrap-token");
            String token = Files.readString(file).strip();

            assertThat(token).startsWith("gh_api_");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(new ApiClient(port(gateway)).get("/api/v1/users", token).status()).isEqualTo(200);
            assertThat(output.getAll()).doesNotContain(token).contains("Admin API token: written to " + file);
            assertThat(Files.readString(dataDir.resolve("logs/gatehouse.log"))).doesNotContain(token);
        }
    }

    private ConfigurableApplicationContext start(TestDatabase database, String... extra) {
        List<String> args = new ArrayList<>(List.of("--gatehouse.data-dir=" + dataDir, "--server.port=0",
                "--gatehouse.ssh.port=0", "--gatehouse.ssh.bind-address=127.0.0.1", "--gatehouse.tunnel.port=0",
                "--gatehouse.tunnel.bind-address=127.0.0.1", "--gatehouse.database.url=" + database.jdbcUrl(),
                "--gatehouse.database.username=" + database.username(),
                "--gatehouse.database.password=" + (database.password() == null ? "" : database.password()),
                "--logging.file.name=" + dataDir.resolve("logs/gatehouse.log")));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(GatehouseApplication.class).run(args.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
