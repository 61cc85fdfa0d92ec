package dev.gatehouse.audit.chain;

import dev.gatehouse.audit.blob.BlobStore;
import dev.gatehouse.audit.events.AuditStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs the head of the global chain into {@code audit_checkpoints} and publishes each checkpoint to its anchors
 * outside the database (write-once blobs, the SIEM stream), so that rewriting events and recomputing every later hash,
 * deleting checkpoint rows or cutting the tail is still detected. Run by whoever holds the audit key (the control
 * plane), every few seconds.
 */
public final class ChainCheckpointer implements AutoCloseable {

    /** The control plane's interval; a crash loses at most this much unsigned history. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(ChainCheckpointer.class);

    private final DataSource dataSource;
    private final AuditKey key;
    private final List<CheckpointAnchor> anchors;
    /** Per anchor, the newest checkpoint it has not taken yet (retried at each run; older ones are superseded). */
    private final Map<CheckpointAnchor, SignedCheckpoint> pending = new LinkedHashMap<>();
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> job;

    /** Anchors checkpoints in {@code anchorStore} (see {@link BlobAnchors}). */
    public ChainCheckpointer(DataSource dataSource, AuditKey key, BlobStore anchorStore) {
        this(dataSource, key, anchorStore, List.of());
    }

    /** Also publishes each checkpoint to {@code alsoTo} (a {@code SiemStreamer}, for example). */
    public ChainCheckpointer(DataSource dataSource, AuditKey key, BlobStore anchorStore,
            List<CheckpointAnchor> alsoTo) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.key = Objects.requireNonNull(key, "key");
        List<CheckpointAnchor> all = new ArrayList<>();
        all.add(new BlobAnchors(Objects.requireNonNull(anchorStore, "anchorStore")));
        all.addAll(alsoTo);
        this.anchors = List.copyOf(all);
    }

    /** Checkpoints every {@code interval} on a daemon thread until closed. */
    public ChainCheckpointer start(Duration interval) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("audit-checkpoint")
                .daemon(true).unstarted(r));
        job = timer.scheduleWithFixedDelay(() -> {
            try {
                checkpoint();
            } catch (RuntimeException | Error e) { // an Error too: a task that throws is never run again
                LOG.warn("audit checkpoint failed (will retry): {}", e.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Signs the current head if it moved since the last checkpoint and publishes it to every anchor; returns the seq
     * signed, or -1 if none. An anchor that failed earlier is given the newest checkpoint again.
     */
    public synchronized long checkpoint() {
        SignedCheckpoint signed = signHead();
        if (signed != null) {
            anchors.forEach(a -> pending.put(a, signed));
        }
        RuntimeException failure = null;
        for (var it = pending.entrySet().iterator(); it.hasNext();) {
            var entry = it.next();
            try {
                entry.getKey().publish(entry.getValue());
                it.remove();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw new AuditStoreException("checkpoint signed, but not anchored yet: " + failure.getMessage(), failure);
        }
        return signed == null ? -1 : signed.seq();
    }

    private SignedCheckpoint signHead() {
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
                    return null;
                }
                SignedCheckpoint signed = SignedCheckpoint.sign(seq, hash, Instant.now(), key);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_checkpoints (seq, hash, time, key_id,"
                        + " signature) VALUES (?, ?, ?, ?, ?) ON CONFLICT (seq) DO NOTHING")) {
                    ps.setLong(1, seq);
                    ps.setBytes(2, hash);
                    ps.setTimestamp(3, Timestamp.from(signed.time()));
                    ps.setString(4, signed.keyId());
                    ps.setBytes(5, signed.signature());
                    ps.executeUpdate();
                }
                c.commit();
                return signed;
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
            job.cancel(false);
            timer.shutdownNow();
        }
    }
}
