package dev.gatehouse.controlplane.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs that must run on one control plane at a time (the audit checkpointer, recording retention), run by the
 * control plane that holds a PostgreSQL session-level advisory lock on a connection of its own. PostgreSQL releases the
 * lock when that connection ends, so a control plane that dies hands the jobs over on the next try of another; one that
 * loses its connection stops the jobs at once, before anyone else can take the lock and start them.
 */
public final class SingletonJobs implements AutoCloseable {

    /** The lock's key ("Gatehous" in ASCII); advisory locks are per database, so one gatehouse database, one holder. */
    static final long LOCK_KEY = 0x47617465686F7573L;
    /** How often a candidate tries the lock, and the holder checks it still has its connection. */
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(2);
    private static final int VALIDATION_SECONDS = 5;
    private static final Logger log = LoggerFactory.getLogger(SingletonJobs.class);

    private final DataSource connections;
    private final Map<String, Supplier<AutoCloseable>> jobs = new LinkedHashMap<>();
    private final Map<String, AutoCloseable> running = new LinkedHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("singleton-jobs").daemon(true).factory());
    private Connection connection;
    private volatile boolean leading;

    /** {@code connections}: not a pool's, the one it gives out is held as long as this runs. */
    public SingletonJobs(DataSource connections) {
        this.connections = Objects.requireNonNull(connections, "connections");
    }

    /**
     * A job started (the value it returns, closed on losing the lock) while this process holds the lock; at once when
     * it holds it already (a job another configuration adds after the election started).
     */
    public synchronized SingletonJobs add(String name, Supplier<AutoCloseable> start) {
        jobs.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(start, "start"));
        if (leading) {
            running.put(name, start.get());
        }
        return this;
    }

    /** The names of the jobs running here now (none unless this process holds the lock). */
    public synchronized java.util.Set<String> running() {
        return java.util.Set.copyOf(running.keySet());
    }

    /** Tries the lock now and every {@code period}. */
    public SingletonJobs start(Duration period) {
        timer.scheduleWithFixedDelay(this::tryOrCheck, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Whether this process holds the lock and runs the jobs. */
    public boolean leading() {
        return leading;
    }

    synchronized void tryOrCheck() {
        try {
            if (connection == null) {
                connection = connections.getConnection();
            }
            if (leading) {
                if (!connection.isValid(VALIDATION_SECONDS)) {
                    throw new SQLException("the connection holding the lock is gone");
                }
                return;
            }
            if (tryLock()) {
                leading = true;
                log.info("Singleton jobs: this control plane holds the lock and runs {}", jobs.keySet());
                jobs.forEach((name, start) -> running.put(name, start.get()));
            }
        } catch (SQLException | RuntimeException e) {
            if (leading) {
                log.warn("Singleton jobs: lost the lock ({}), stopping {}", e.toString(), jobs.keySet());
            } else {
                log.debug("Singleton jobs: cannot try the lock now: {}", e.toString());
            }
            stopJobs();
            release();
        }
    }

    private boolean tryLock() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, LOCK_KEY);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private void stopJobs() {
        leading = false;
        for (AutoCloseable job : running.values()) {
            try {
                job.close();
            } catch (Exception e) {
                log.warn("Singleton jobs: a job did not stop cleanly: {}", e.toString());
            }
        }
        running.clear();
    }

    /** Closing the connection ends its database session, and the lock with it. */
    private void release() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("Singleton jobs: closing the lock's connection: {}", e.toString());
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        synchronized (this) {
            stopJobs();
            release();
        }
    }
}
