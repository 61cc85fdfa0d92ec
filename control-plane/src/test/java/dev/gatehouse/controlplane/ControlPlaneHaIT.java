package dev.gatehouse.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.database.SingletonJobs;
import dev.gatehouse.testkit.Await;
import dev.gatehouse.testkit.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two control planes on one PostgreSQL (a database of their own, so no other test context takes part in the election;
 * a JVM of their own, see the pom):
 * a console sign-in on one is valid on the other and a sign-out on the other ends it on both; one of them runs the
 * checkpointer (the chain head gets signed) and the bastion nodes' liveness check, and closing that one hands the jobs
 * to the other.
 */
class ControlPlaneHaIT {

    private static final String ADMIN = "control-plane-ha-admin-token-0123";
    private static final String PASSWORD = "correct horse battery staple";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final TestDatabase database = TestDatabase.create();
    private final TestDatabase.Roles roles = database.ownerAndRuntimeRoles();
    /** Control planes sharing a database share its sealed CA keys, so the master key too. */
    private final String masterKey = WholeGateways.randomMasterKey();

    @Test
    void twoControlPlanesShareConsoleSessionsAndElectOneCheckpointer(@TempDir Path dirA, @TempDir Path dirB)
            throws Exception {
        ConfigurableApplicationContext a = start(dirA);
        ConfigurableApplicationContext b = null;
        try {
            b = start(dirB);
            ApiClient apiA = new ApiClient(port(a));
            String hanna = new AccessFixture(apiA, ADMIN).person("hanna").apiScope("admin").password(PASSWORD).create();

            String cookie = signIn(port(a), hanna);
            assertThat(call(port(b), "GET", "/api/v1/session", cookie, null).body())
                    .as("the sign-in on A is valid on B").contains("\"username\":\"" + hanna + "\"");
            assertThat(call(port(b), "GET", "/api/v1/users", cookie, null).status()).isEqualTo(200);
            String csrf = "csrf-token-for-the-sign-out";
            assertThat(call(port(b), "DELETE", "/api/v1/session", cookie + "; XSRF-TOKEN=" + csrf, csrf).status())
                    .isEqualTo(204);
            assertThat(call(port(a), "GET", "/api/v1/users", cookie, null).status())
                    .as("signed out on B, so on A too").isEqualTo(401);

            SingletonJobs jobsA = a.getBean(SingletonJobs.class);
            SingletonJobs jobsB = b.getBean(SingletonJobs.class);
            await("one of the two holds the lock", () -> jobsA.leading() || jobsB.leading());
            // Both have tried the lock by now (every 2 s from start-up): the other one did not get it.
            Thread.sleep(2 * SingletonJobs.DEFAULT_PERIOD.toMillis());
            assertThat(jobsA.leading() && jobsB.leading()).as("never both").isFalse();
            ConfigurableApplicationContext leader = jobsA.leading() ? a : b;
            ConfigurableApplicationContext other = leader == a ? b : a;
            assertThat(other.getBean(SingletonJobs.class).leading()).isFalse();
            assertThat(leader.getBean(SingletonJobs.class).running()).as("the leader marks silent bastion nodes")
                    .contains("node liveness", "audit checkpointer");
            assertThat(other.getBean(SingletonJobs.class).running()).as("the other does not").isEmpty();
            assertHeadGetsSigned(new ApiClient(port(other)), "before");

            leader.close();
            await("the other control plane takes the jobs over", () -> other.getBean(SingletonJobs.class).leading());
            assertThat(other.getBean(SingletonJobs.class).running()).contains("node liveness");
            assertHeadGetsSigned(new ApiClient(port(other)), "after");
        } finally {
            a.close();
            if (b != null) {
                b.close();
            }
        }
    }

    /** A change (an audit event) made through {@code api}; the elected checkpointer signs the new head. */
    private void assertHeadGetsSigned(ApiClient api, String name) throws Exception {
        assertThat(api.post("/api/v1/networks", ADMIN, "{\"name\":\"" + name + "\"}").status()).isEqualTo(201);
        await("the chain head after '" + name + "' is signed", () -> {
            try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT (SELECT seq FROM audit_chain_head WHERE id = 1)"
                            + " = (SELECT coalesce(max(seq), 0) FROM audit_checkpoints)")) {
                return rs.next() && rs.getBoolean(1);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private ConfigurableApplicationContext start(Path dataDir) {
        return new SpringApplicationBuilder(GatehouseApplication.class).run("--gatehouse.role=control-plane",
                "--gatehouse.data-dir=" + dataDir, "--server.port=0", "--gatehouse.nodes.port=0",
                "--gatehouse.nodes.bind-address=127.0.0.1", "--gatehouse.bootstrap-token=" + ADMIN,
                "--gatehouse.secrets.master-key=" + masterKey, "--gatehouse.database.url=" + database.jdbcUrl(),
                "--gatehouse.database.username=" + roles.runtime(),
                "--gatehouse.database.password=" + roles.runtimePassword(),
                "--gatehouse.database.owner-username=" + roles.owner(),
                "--gatehouse.database.owner-password=" + roles.ownerPassword(),
                "--logging.file.name=target/it-logs/control-plane-ha.log");
    }

    private static String signIn(int port, String person) {
        ApiClient.Reply login = new ApiClient(port).post("/api/v1/session", null, "{\"username\":\"" + person + "\","
                + "\"password\":\"" + PASSWORD + "\"}");
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        return login.headers("Set-Cookie").stream().filter(c -> c.startsWith("GATEHOUSE_SESSION="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
    }

    /** A browser's request: the cookies given, and the CSRF header when a token is given. */
    private static ApiClient.Reply call(int port, String method, String path, String cookie, String csrf) {
        return csrf == null ? new ApiClient(port).send(method, path, null, null, "Cookie", cookie)
                : new ApiClient(port).send(method, path, null, null, "Cookie", cookie, "X-XSRF-TOKEN", csrf);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, PATIENCE, condition);
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
