package dev.gatehouse.audit.retention;

import dev.gatehouse.audit.blob.BlobStore;
import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.chain.Tombstones;
import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.events.AuditEventQuery;
import dev.gatehouse.audit.events.AuditStoreException;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.audit.events.StoredAuditEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Deletes recordings older than a policy's age. Events are never deleted: each deleted recording leaves a signed
 * {@code recording.deleted} tombstone in its session's chain naming every chunk and its hash, so verification still
 * passes and says the chunks were removed by policy rather than lost.
 */
public final class RecordingRetention {

    private final PostgresAuditStore store;
    private final BlobStore blobs;
    private final AuditKey key;

    public RecordingRetention(PostgresAuditStore store, BlobStore blobs, AuditKey key) {
        this.store = Objects.requireNonNull(store, "store");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.key = Objects.requireNonNull(key, "key");
    }

    /** Deletes the recordings of sessions that ended more than {@code maxAge} ago; returns how many sessions. */
    public int apply(Duration maxAge, String actor) {
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("retention age must be positive, was " + maxAge);
        }
        Instant cutoff = Instant.now().minus(maxAge);
        int deleted = 0;
        for (String sessionId : expired(cutoff)) {
            deleteRecording(sessionId, maxAge, actor);
            deleted++;
        }
        return deleted;
    }

    private List<String> expired(Instant cutoff) {
        try (Connection c = store.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT session_id FROM audit_sessions WHERE status <> 'running' AND ended_at < ?"
                        + " AND recording_deleted_at IS NULL ORDER BY ended_at")) {
            ps.setTimestamp(1, Timestamp.from(cutoff));
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new AuditStoreException("cannot list expired recordings: " + e.getMessage(), e);
        }
    }

    private void deleteRecording(String sessionId, Duration maxAge, String actor) {
        List<StoredAuditEvent> chunks = store.search(AuditEventQuery.builder().sessionId(sessionId)
                .type("recording.chunk").limit(AuditEventQuery.MAX_LIMIT).build());
        List<String> hashes = new ArrayList<>();
        List<Map<String, Object>> listed = new ArrayList<>();
        for (StoredAuditEvent c : chunks) {
            Map<String, Object> d = c.event().details();
            hashes.add(d.get("index") + ":" + d.get("sha256"));
            listed.add(Map.of("index", d.get("index"), "sha256", d.get("sha256"), "key", d.get("key")));
        }
        String deletedAt = Instant.now().toString();
        AuditEvent tombstone = AuditEvent.builder("recording.deleted").actor(actor).sessionId(sessionId)
                .target(sessionId).detail("reason", "retention").detail("maxAgeDays", maxAge.toDays())
                .detail("chunks", listed).detail("deletedAt", deletedAt).detail("keyId", key.id())
                .detail("signature", Base64.getEncoder().encodeToString(
                        key.sign(Tombstones.statement(sessionId, hashes, deletedAt))))
                .build();
        // The tombstone commits before any blob goes, so a crash in between leaves blobs to delete, never a gap.
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                store.appendToSession(c, tombstone);
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE audit_sessions SET recording_deleted_at = now() WHERE session_id = ?")) {
                    ps.setString(1, sessionId);
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new AuditStoreException("cannot record the tombstone of " + sessionId + ": " + e.getMessage(), e);
        }
        for (Map<String, Object> chunk : listed) {
            blobs.delete(String.valueOf(chunk.get("key")));
        }
    }
}
