package dev.gatehouse.controlplane.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.audit.AuditSchema;
import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseApplication;
import dev.gatehouse.testkit.TestDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The embedded PostgreSQL as {@code ./gatehouse start} runs it, probed from outside with the machine's {@code psql}:
 * closed (no way in without a password), durable (fsync on), and the application's role can only add evidence; the
 * same owner/runtime split on an external PostgreSQL set up with the README's SQL.
 */
class DatabaseRolesIT {

    private static final String ADMIN = "embedded-database-it-admin-token";
    /** Where the embedded database's passwords are kept, as the README tells operators. */
    private static final String PASSWORDS = "postgres.passwords";
    /** Each evidence table with one of its columns. */
    private static final Map<String, String> EVIDENCE = Map.of("audit_events", "id", "audit_checkpoints", "seq",
            "audit_commands", "seq", "audit_session_text", "chunk_index");

    @Test
    void embeddedDatabaseIsClosedDurableAndTheApplicationCanOnlyAddEvidence(@TempDir Path dataDir,
            @TempDir Path secrets) throws Exception {
        Path masterKey = secrets.resolve("keys/gatehouse.key");
        try (ConfigurableApplicationContext gateway = start(dataDir, "--gatehouse.master-key-file=" + masterKey)) {
            ApiClient api = new ApiClient(((WebServerApplicationContext) gateway).getWebServer().getPort());
            new AccessFixture(api, ADMIN).person("dora").create();
            int port = RunningPostgres.port(dataDir.resolve("postgres")).orElseThrow();
            for (String role : List.of("postgres", "gatehouse_owner", "gatehouse")) {
                Psql refused = psql(port, role, null, "SELECT 1");
                assertThat(refused.exit()).as("psql as %s without a password", role).isNotZero();
                assertThat(refused.output()).contains("password");
            }
            Properties passwords = passwords(dataDir);
            String superuser = passwords.getProperty("postgres");
            assertThat(psql(port, "postgres", superuser, "SHOW fsync").output().strip()).isEqualTo("on");
            assertThat(psql(port, "postgres", superuser, "SHOW synchronous_commit").output().strip()).isEqualTo("on");
            assertThat(psql(port, "postgres", superuser, "SHOW full_page_writes").output().strip()).isEqualTo("on");
            assertThat(psql(port, "postgres", superuser, "SELECT count(*) FROM pg_hba_file_rules WHERE auth_method"
                    + " <> 'scram-sha-256'").output().strip()).isEqualTo("0");

            try (Connection runtime = connect(port, "gatehouse", passwords)) {
                assertThat(count(runtime, "audit_events WHERE type = 'user.created'")).isPositive();
                for (Map.Entry<String, String> evidence : EVIDENCE.entrySet()) {
                    String table = evidence.getKey();
                    assertRefused(runtime, "DELETE FROM " + table);
                    assertRefused(runtime, "UPDATE " + table + " SET " + evidence.getValue() + " = " + evidence.getValue());
                    assertRefused(runtime, "TRUNCATE " + table);
                    assertRefused(runtime, "ALTER TABLE " + table + " DISABLE TRIGGER ALL");
                }
                assertRefused(runtime, "DROP TABLE audit_events");
                assertThat(owner(runtime, "audit_events")).isEqualTo("gatehouse_owner");
                assertThat(owner(runtime, "users")).isEqualTo("gatehouse_owner");
            }
        }
        assertThat(mode(dataDir)).isEqualTo("rwx------");
        assertThat(mode(dataDir.resolve("postgres"))).isEqualTo("rwx------");
        assertThat(mode(dataDir.resolve(PASSWORDS))).isEqualTo("rw-------");
        assertThat(mode(masterKey)).isEqualTo("rw-------");
        assertThat(mode(masterKey.getParent())).isEqualTo("rwx------");
        assertThat(dataDir.resolve("master.key")).as("the key lives where gatehouse.master-key-file says").doesNotExist();
        try (Stream<Path> all = Files.walk(dataDir.resolve("postgres"))) {
            assertThat(all.filter(p -> !Files.isSymbolicLink(p)).map(DatabaseRolesIT::mode))
                    .allSatisfy(mode -> assertThat(mode).endsWith("---"));
        }
    }

    @Test
    void dataDirectoryOfAnEarlierVersionIsClosedOnFirstStartAndKeepsItsData(@TempDir Path dataDir) throws Exception {
        // What the previous version left: trust authentication, everything made and owned by the superuser.
        try (EmbeddedPostgres earlier = EmbeddedPostgres.builder().setDataDirectory(dataDir.resolve("postgres"))
                .setCleanDataDirectory(false).start()) {
            DataSource superuser = earlier.getPostgresDatabase();
            Flyway.configure().dataSource(superuser).locations("classpath:db/migration/controlplane")
                    .baselineOnMigrate(true).baselineVersion("0").load().migrate();
            AuditSchema.migrate(superuser);
            try (Connection c = superuser.getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO users (username, roles) VALUES ('carol', '[]'::jsonb)");
            }
        }

        try (ConfigurableApplicationContext gateway = start(dataDir)) {
            ApiClient api = new ApiClient(((WebServerApplicationContext) gateway).getWebServer().getPort());
            assertThat(api.get("/api/v1/users/carol", ADMIN).status()).isEqualTo(200);
            String erin = new AccessFixture(api, ADMIN).person("erin").create();
            int port = RunningPostgres.port(dataDir.resolve("postgres")).orElseThrow();
            Psql refused = psql(port, "postgres", null, "SELECT 1");
            assertThat(refused.exit()).as("psql without a password after the upgrade").isNotZero();
            assertThat(Files.readString(dataDir.resolve("postgres/pg_hba.conf"))).doesNotContain("trust");
            try (Connection runtime = connect(port, "gatehouse", passwords(dataDir))) {
                assertThat(owner(runtime, "audit_events")).isEqualTo("gatehouse_owner");
                assertThat(owner(runtime, "flyway_schema_history")).isEqualTo("gatehouse_owner");
                assertThat(count(runtime, "users WHERE username IN ('carol', '" + erin + "')")).isEqualTo(2);
                assertRefused(runtime, "DELETE FROM audit_events");
                assertRefused(runtime, "ALTER TABLE audit_events DISABLE TRIGGER ALL");
            }
        }
        assertThat(mode(dataDir.resolve(PASSWORDS))).isEqualTo("rw-------");
    }

    @Test
    void externalDatabaseWithAnOwnerRoleLeavesTheApplicationOnlyAddingEvidence(@TempDir Path dataDir) throws Exception {
        TestDatabase database = TestDatabase.create();
        TestDatabase.Roles roles = database.ownerAndRuntimeRoles();
        String owner = roles.owner();
        String runtime = roles.runtime();
        try (ConfigurableApplicationContext gateway = start(dataDir, "--gatehouse.database.url=" + database.jdbcUrl(),
                "--gatehouse.database.username=" + runtime, "--gatehouse.database.password=" + roles.runtimePassword(),
                "--gatehouse.database.owner-username=" + owner,
                "--gatehouse.database.owner-password=" + roles.ownerPassword())) {
            ApiClient api = new ApiClient(((WebServerApplicationContext) gateway).getWebServer().getPort());
            new AccessFixture(api, ADMIN).person("frank").create();
            try (Connection c = DriverManager.getConnection(database.jdbcUrl(), runtime, roles.runtimePassword())) {
                assertThat(count(c, "audit_events WHERE type = 'user.created'")).isPositive();
                assertThat(owner(c, "audit_events")).isEqualTo(owner);
                assertRefused(c, "DELETE FROM audit_events");
                assertRefused(c, "UPDATE audit_events SET id = id");
                assertRefused(c, "TRUNCATE audit_checkpoints");
                assertRefused(c, "ALTER TABLE audit_events DISABLE TRIGGER ALL");
            }
        }
    }

    private static ConfigurableApplicationContext start(Path dataDir, String... more) {
        String[] arguments = Stream.concat(Stream.of("--gatehouse.data-dir=" + dataDir, "--server.port=0",
                "--gatehouse.tunnel.port=0", "--gatehouse.tunnel.bind-address=127.0.0.1", "--gatehouse.ssh.port=0",
                "--gatehouse.ssh.bind-address=127.0.0.1", "--gatehouse.bootstrap-token=" + ADMIN), Stream.of(more))
                .toArray(String[]::new);
        return new SpringApplicationBuilder(GatehouseApplication.class).run(arguments);
    }

    private static Properties passwords(Path dataDir) throws IOException {
        Properties passwords = new Properties();
        try (Reader reader = Files.newBufferedReader(dataDir.resolve(PASSWORDS))) {
            passwords.load(reader);
        }
        return passwords;
    }

    private static Connection connect(int port, String role, Properties passwords) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", role,
                passwords.getProperty(role));
    }

    private static void assertRefused(Connection runtime, String sql) {
        assertThatThrownBy(() -> {
            try (Statement s = runtime.createStatement()) {
                s.execute(sql);
            }
        }).as(sql).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).as(sql).isEqualTo("42501"));
    }

    private static long count(Connection c, String from) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + from)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String owner(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT tableowner FROM pg_tables WHERE tablename = '" + table + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String mode(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Psql(int exit, String output) {}

    /** The machine's psql over TCP to loopback; {@code password} null sends none ({@code -w}: never prompt). */
    private static Psql psql(int port, String role, String password, String sql) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("psql", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", role,
                "-d", "postgres", "-w", "-A", "-t", "-c", sql).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("PG"));
        environment.put("PGPASSFILE", "/dev/null");
        if (password != null) {
            environment.put("PGPASSWORD", password);
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Psql(process.exitValue(), output);
    }
}
