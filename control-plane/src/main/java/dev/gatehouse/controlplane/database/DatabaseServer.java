package dev.gatehouse.controlplane.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gatehouse.controlplane.config.GatehouseSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL the control plane uses: the external one named by {@code gatehouse.database.url}, else a real
 * PostgreSQL started from Maven-shipped binaries with its data in {@code <data-dir>/postgres}, kept across restarts.
 * Closing it closes the pool, then stops the embedded server.
 */
public final class DatabaseServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DatabaseServer.class);

    private final EmbeddedPostgres embedded;
    private final HikariDataSource pool;
    private final String description;

    private DatabaseServer(EmbeddedPostgres embedded, HikariDataSource pool, String description) {
        this.embedded = embedded;
        this.pool = pool;
        this.description = description;
    }

    /** Starts (or connects to) the database the settings name. */
    public static DatabaseServer start(GatehouseSettings settings) {
        Objects.requireNonNull(settings, "settings");
        GatehouseSettings.Database database = settings.database();
        if (database.external()) {
            HikariDataSource pool = pool(database.url(), database.username(), database.password());
            return new DatabaseServer(null, pool, "external PostgreSQL " + withoutQuery(database.url()));
        }
        Path dataDirectory = settings.dataDir().resolve("postgres").toAbsolutePath();
        if (settings.role() == GatehouseSettings.Role.CLI) {
            // A command run beside a live gateway joins its embedded server instead of fighting over the data directory.
            OptionalInt running = RunningPostgres.port(dataDirectory);
            if (running.isPresent()) {
                String url = "jdbc:postgresql://127.0.0.1:" + running.getAsInt() + "/postgres";
                return new DatabaseServer(null, pool(url, "postgres", null),
                        "the running gateway's embedded PostgreSQL on 127.0.0.1:" + running.getAsInt());
            }
        }
        try {
            Files.createDirectories(dataDirectory);
            EmbeddedPostgres embedded = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    // Stopped by the context, after the tunnel listener and the recorder have drained into it; the
                    // library's own JVM hook would stop it in parallel with the context's shutdown, under their feet.
                    .setRegisterShutdownHook(false)
                    .start();
            HikariDataSource pool = pool(embedded.getJdbcUrl("postgres", "postgres"), "postgres", null);
            String description = "embedded PostgreSQL on 127.0.0.1:" + embedded.getPort() + ", data in " + dataDirectory;
            log.info("Database: {}", description);
            return new DatabaseServer(embedded, pool, description);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL with data in " + dataDirectory
                    + " (set GATEHOUSE_DATABASE_URL to use an external one)", e);
        }
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

    private static String withoutQuery(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    public DataSource dataSource() {
        return pool;
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
