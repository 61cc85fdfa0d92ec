package dev.gatehouse.audit.chain;

import dev.gatehouse.audit.events.AuditStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs the head of the global chain into {@code audit_checkpoints}, so that rewriting events and recomputing every
 * later hash is still detected. Run by whoever holds the audit key (the control plane), every few seconds.
 */
public final class ChainCheckpointer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChainCheckpointer.class);

    private final DataSource dataSource;
    private final AuditKey key;
    private ScheduledExecutorService timer;

    public ChainCheckpointer(DataSource dataSource, AuditKey key) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.key = Objects.requireNonNull(key, "key");
    }

    /** Checkpoints every {@code interval} on a daemon thread until closed. */
    public ChainCheckpointer start(Duration interval) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("audit-checkpoint")
                .daemon(true).unstarted(r));
        timer.scheduleWithFixedDelay(() -> {
            try {
                checkpoint();
            } catch (RuntimeException e) {
                LOG.warn("audit checkpoint failed (will retry): {}", e.getMessage());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Signs the current head if it moved since the last checkpoint; returns the seq signed, or -1 if none. */
    public long checkpoint() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long seq;
                byte[] hash;
                try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_chain_head WHERE id = 1");
                        ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    seq = rs.getLong(1);
                    hash = rs.getBytes(2);
                }
                long last = 0;
                try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(seq), 0) FROM audit_checkpoints");
                        ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    last = rs.getLong(1);
                }
                if (seq == 0 || seq == last) {
                    c.rollback();
                    return -1;
                }
                Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                String statement = Checkpoints.globalStatement(seq, HexFormat.of().formatHex(hash), now.toString());
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_checkpoints (seq, hash, time, key_id,"
                        + " signature) VALUES (?, ?, ?, ?, ?) ON CONFLICT (seq) DO NOTHING")) {
                    ps.setLong(1, seq);
                    ps.setBytes(2, hash);
                    ps.setTimestamp(3, Timestamp.from(now));
                    ps.setString(4, key.id());
                    ps.setBytes(5, key.sign(statement));
                    ps.executeUpdate();
                }
                c.commit();
                return seq;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new AuditStoreException("cannot write an audit checkpoint: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
