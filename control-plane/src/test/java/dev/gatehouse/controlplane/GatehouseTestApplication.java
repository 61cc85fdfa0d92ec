package dev.gatehouse.controlplane;

import dev.gatehouse.testkit.Await;
import dev.gatehouse.testkit.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway on a random port against a real PostgreSQL (testkit's {@link TestDatabase}, passed the way
 * {@code GATEHOUSE_DATABASE_URL} would be, with an owner and a runtime role), with a known bootstrap admin token.
 * Every subclass shares one context.
 */
// The log file is set here, not through the data directory, because logging starts before dynamic properties apply.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "logging.file.name=target/it-logs/gatehouse.log")
public abstract class GatehouseTestApplication {

    /** The bootstrap admin token every API test uses. */
    public static final String ADMIN = "test-bootstrap-admin-token";

    private static final TestDatabase DATABASE = TestDatabase.create();
    /** As in production: migrations as an owner role, the gateway as a role that may only add evidence. */
    private static final TestDatabase.Roles ROLES = DATABASE.ownerAndRuntimeRoles();
    private static final Path DATA_DIR = tempDir();
    /** How long one requested minute of an access request lasts in tests. */
    protected static final java.time.Duration ACCESS_REQUEST_MINUTE = java.time.Duration.ofSeconds(30);

    @LocalServerPort
    protected int port;

    protected ApiClient api;

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) {
        registry.add("gatehouse.database.url", DATABASE::jdbcUrl);
        registry.add("gatehouse.database.username", ROLES::runtime);
        registry.add("gatehouse.database.password", ROLES::runtimePassword);
        registry.add("gatehouse.database.owner-username", ROLES::owner);
        registry.add("gatehouse.database.owner-password", ROLES::ownerPassword);
        registry.add("gatehouse.bootstrap-token", () -> ADMIN);
        registry.add("gatehouse.data-dir", DATA_DIR::toString);
        registry.add("gatehouse.api.max-body-bytes", () -> "65536");
        // Short, so tests see the counted refusals' summary event without waiting a minute.
        registry.add("gatehouse.api.refusal-interval", () -> "2s");
        // A requested minute lasts 30 s here, so a test watches a granted role end (AccessRequestBrowserIT).
        registry.add("gatehouse.access-requests.minute", () -> ACCESS_REQUEST_MINUTE.toString());
        registry.add("gatehouse.access-requests.sweep-interval", () -> "1s");
        registry.add("gatehouse.ssh.port", () -> "0");
        registry.add("gatehouse.ssh.bind-address", () -> "127.0.0.1");
        // Dialing and logging in to a target takes longer than the product's 4 s when the test machine is loaded.
        registry.add("gatehouse.ssh.connect-timeout", () -> "15s");
        registry.add("gatehouse.tunnel.port", () -> "0");
        registry.add("gatehouse.tunnel.bind-address", () -> "127.0.0.1");
        registry.add("gatehouse.tunnel.advertised-host", () -> "127.0.0.1");
    }

    @BeforeEach
    void client() {
        api = new ApiClient(port);
    }

    /** The test database as its owner, for what the application's own role may not do (an insider's view). */
    protected static javax.sql.DataSource databaseOwner() {
        return DATABASE.dataSource();
    }

    /** Creates an API token of {@code scope} through the API and returns its secret. */
    protected String token(String name, String scope) {
        ApiClient.Reply reply = api.post("/api/v1/api-tokens", ADMIN,
                "{\"name\":\"" + name + "\",\"scope\":\"" + scope + "\"}");
        if (reply.status() != 201) {
            throw new IllegalStateException("cannot create token " + name + ": " + reply);
        }
        return reply.json().get("token").asString();
    }

    /** Polls {@code probe} until it returns a value (within 20 s), for what the gateway does asynchronously. */
    protected static <T> T eventually(java.util.function.Supplier<T> probe) throws InterruptedException {
        return eventually(java.time.Duration.ofSeconds(20), probe);
    }

    /** Polls {@code probe} until it returns a value, for at most {@code patience}. */
    protected static <T> T eventually(java.time.Duration patience, java.util.function.Supplier<T> probe)
            throws InterruptedException {
        return Await.value("the condition", patience, probe);
    }

    /** A name no other test uses, so tests sharing the database never collide. */
    protected static String unique(String prefix) {
        return prefix + "-" + Long.toString(System.nanoTime(), 36);
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("gatehouse-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
