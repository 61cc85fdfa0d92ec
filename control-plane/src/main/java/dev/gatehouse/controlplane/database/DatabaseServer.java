package dev.gatehouse.controlplane.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.config.InvalidSettingException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL the control plane uses: the external one named by {@code gatehouse.database.url}, else a real
 * PostgreSQL started from Maven-shipped binaries with its data in {@code <data-dir>/postgres}, kept across restarts.
 * Migrations run as the owner role ({@link #ownerDataSource()}); the application as the runtime role, which may only
 * insert and read evidence. Closing it closes the pool, then stops the embedded server.
 */
public final class DatabaseServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DatabaseServer.class);

    private final EmbeddedPostgres embedded;
    private final HikariDataSource pool;
    private final DataSource owner;
    private final String runtimeRole;
    private final String description;

    private DatabaseServer(EmbeddedPostgres embedded, HikariDataSource pool, DataSource owner, String runtimeRole,
            String description) {
        this.embedded = embedded;
        this.pool = pool;
        this.owner = owner;
        this.runtimeRole = runtimeRole;
        this.description = description;
    }

    /** Starts (or connects to) the database the settings name. */
    public static DatabaseServer start(GatehouseSettings settings) {
        Objects.requireNonNull(settings, "settings");
        GatehouseSettings.Database database = settings.database();
        if (database.external()) {
            return external(database);
        }
        if (database.ownerUsername() != null) {
            throw new InvalidSettingException("gatehouse.database.owner-username", "a role name, only together with"
                    + " gatehouse.database.url (the embedded database makes its own roles)", "set without a database URL");
        }
        Path dataDirectory = settings.dataDir().resolve("postgres").toAbsolutePath();
        EmbeddedPasswords passwords = EmbeddedPasswords.in(settings.dataDir().toAbsolutePath());
        if (settings.role() == GatehouseSettings.Role.CLI) {
            // A command run beside a live gateway joins its embedded server instead of fighting over the data directory.
            OptionalInt running = RunningPostgres.port(dataDirectory);
            if (running.isPresent()) {
                return embedded(null, running.getAsInt(), passwords,
                        "the running gateway's embedded PostgreSQL on 127.0.0.1:" + running.getAsInt());
            }
        }
        if (!database.fsync()) {
            log.warn("Database: fsync is off (gatehouse.database.fsync=false): a power cut can lose committed evidence."
                    + " Only tests should ask for this.");
        }
        try {
            EmbeddedPostgres embedded = EmbeddedDatabase.start(dataDirectory, passwords, database.fsync());
            String description = "embedded PostgreSQL on 127.0.0.1:" + embedded.getPort() + ", data in " + dataDirectory
                    + ", passwords in " + dataDirectory.resolveSibling(EmbeddedPasswords.FILE_NAME);
            log.info("Database: {}", description);
            return embedded(embedded, embedded.getPort(), passwords, description);
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot start the embedded PostgreSQL with data in " + dataDirectory
                    + " (set GATEHOUSE_DATABASE_URL to use an external one): " + e.getMessage(), e);
        }
    }

    private static DatabaseServer embedded(EmbeddedPostgres embedded, int port, EmbeddedPasswords passwords,
            String description) {
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        return new DatabaseServer(embedded, pool(url, EmbeddedPasswords.RUNTIME, passwords.runtime()),
                unpooled(url, EmbeddedPasswords.OWNER, passwords.owner()), EmbeddedPasswords.RUNTIME, description);
    }

    private static DatabaseServer external(GatehouseSettings.Database database) {
        if (!database.fsync()) {
            throw new InvalidSettingException("gatehouse.database.fsync", "true with an external PostgreSQL (its"
                    + " durability is that server's own configuration)", "false");
        }
        HikariDataSource pool = pool(database.url(), database.username(), database.password());
        String description = "external PostgreSQL " + withoutQuery(database.url());
        if (!database.ownerSplit()) {
            log.warn("Database: gatehouse.database.owner-username is not set, so the application's role {} also owns"
                    + " the tables and could rewrite the evidence. Give the migrations an owner role (see the README,"
                    + " \"Production\").", database.username());
            return new DatabaseServer(null, pool, pool, null, description);
        }
        if (database.username() == null || database.username().isBlank()
                || database.username().equals(database.ownerUsername())) {
            pool.close();
            throw new InvalidSettingException("gatehouse.database.username", "the application's runtime role, another"
                    + " role than gatehouse.database.owner-username", "missing or the same as the owner role");
        }
        return new DatabaseServer(null, pool, unpooled(database.url(), database.ownerUsername(), database.ownerPassword()),
                database.username(), description + " (owner role " + database.ownerUsername() + ")");
    }

    private static HikariDataSource pool(String url, String username, String password) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("gatehouse");
        config.setJdbcUrl(url);
        config.setUsername(username);
        config.setPassword(password);
        config.setMaximumPoolSize(10);
        return new HikariDataSource(config);
    }

    // Migrations need a connection or two at start-up; no owner connection stays open while the gateway runs.
    private static DataSource unpooled(String url, String username, String password) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(url);
        source.setUser(username);
        source.setPassword(password);
        return source;
    }

    private static String withoutQuery(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    /** The application's pool, logged in as the runtime role. */
    public DataSource dataSource() {
        return pool;
    }

    /**
     * Connections outside the pool, as the runtime role, for what holds one connection for as long as the process runs
     * (the {@link SingletonJobs} election's advisory lock) without taking it from the pool.
     */
    public DataSource dedicatedDataSource() {
        return unpooled(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
    }

    /** The role that owns the tables, for migrations and grants only. */
    public DataSource ownerDataSource() {
        return owner;
    }

    /** The role the application runs as, to be granted the tables; empty when one role does both (no split set). */
    public Optional<String> runtimeRole() {
        return Optional.ofNullable(runtimeRole);
    }

    public String description() {
        return description;
    }

    @Override
    public void close() throws IOException {
        pool.close();
        if (embedded != null) {
            embedded.close();
            log.info("Database: embedded PostgreSQL stopped");
        }
    }
}
