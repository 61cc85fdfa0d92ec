package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.blob.BlobStore;
import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.events.AuditStoreException;
import dev.gatehouse.audit.events.LinkedEvent;
import dev.gatehouse.audit.events.PostgresAuditStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recorder output into its two homes: chunks into the blob store first, then everything else into PostgreSQL in one
 * transaction. A chunk is thus always stored before the event that vouches for it.
 */
public final class PostgresEvidenceStore implements EvidenceStore {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresEvidenceStore.class);

    private final PostgresAuditStore events;
    private final BlobStore blobs;

    public PostgresEvidenceStore(PostgresAuditStore events, BlobStore blobs) {
        this.events = Objects.requireNonNull(events, "events");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
    }

    @Override
    public void store(List<Evidence> batch) {
        List<java.util.Map.Entry<String, byte[]>> chunks = new ArrayList<>();
        for (Evidence e : batch) {
            if (e instanceof Evidence.Chunk chunk) {
                chunks.add(java.util.Map.entry(chunk.key(), chunk.content()));
            }
        }
        if (!chunks.isEmpty()) {
            blobs.putAll(chunks);
        }
        try (Connection c = events.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                write(c, batch);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new AuditStoreException("cannot store recording evidence: " + e.getMessage(), e);
        }
    }

    private void write(Connection c, List<Evidence> batch) throws SQLException {
        List<LinkedEvent> pending = new ArrayList<>();
        for (Evidence e : batch) {
            if (e instanceof Evidence.Event ev) {
                pending.add(ev.event());
                continue;
            }
            events.append(c, pending);
            pending.clear();
            switch (e) {
                case Evidence.Opened o -> opened(c, o);
                case Evidence.Chunk ch -> chunk(c, ch);
                case Evidence.Command cmd -> command(c, cmd);
                case Evidence.Closed cl -> closed(c, cl);
                case Evidence.Interrupted in -> interrupted(c, in.recorderId());
                case Evidence.NodeEvent ne -> nodeEvent(c, ne);
                case Evidence.Event ignored -> throw new IllegalStateException("unreachable");
            }
        }
        events.append(c, pending);
    }

    /** Stored once: the delivery id is claimed in the same transaction as the event is appended. */
    private void nodeEvent(Connection c, Evidence.NodeEvent ne) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audit_event_deliveries (delivery_id) VALUES (?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, ne.deliveryId());
            if (ps.executeUpdate() == 0) {
                return;
            }
        }
        events.append(c, List.of(new LinkedEvent(ne.event(), null)));
    }

    private static void opened(Connection c, Evidence.Opened o) throws SQLException {
        SessionStart s = o.start();
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO audit_sessions (session_id, username, login, host, network, source_address, kind, term,
                    cols, rows, started_at, status, recorder_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?) ON CONFLICT (session_id) DO NOTHING""")) {
            int i = 1;
            ps.setString(i++, s.sessionId());
            ps.setString(i++, s.user());
            ps.setString(i++, s.login());
            ps.setString(i++, s.host());
            ps.setString(i++, s.network());
            ps.setString(i++, s.sourceAddress());
            ps.setString(i++, s.kind().wireName());
            ps.setString(i++, s.term());
            ps.setInt(i++, s.cols());
            ps.setInt(i++, s.rows());
            ps.setTimestamp(i++, Timestamp.from(s.startedAt()));
            ps.setString(i, o.recorderId());
            ps.executeUpdate();
        }
    }

    private static void chunk(Connection c, Evidence.Chunk ch) throws SQLException {
        // Search text is an index, not evidence: if PostgreSQL refuses it (tsvector limits on odd output), the chunk
        // is still stored rather than blocking the spool behind a batch that can never succeed.
        Savepoint before = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO audit_session_text (session_id, chunk_index, body)
                VALUES (?, ?, to_tsvector('simple', ?)) ON CONFLICT DO NOTHING""")) {
            ps.setString(1, ch.sessionId());
            ps.setInt(2, ch.index());
            ps.setString(3, ch.text());
            ps.executeUpdate();
            c.releaseSavepoint(before);
        } catch (SQLException e) {
            c.rollback(before);
            LOG.warn("session {} chunk {}: output not searchable ({})", ch.sessionId(), ch.index(), e.getMessage());
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE audit_sessions SET chunks = GREATEST(chunks, ?) WHERE session_id = ?")) {
            ps.setInt(1, ch.index() + 1);
            ps.setString(2, ch.sessionId());
            ps.executeUpdate();
        }
    }

    private static void command(Connection c, Evidence.Command cmd) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO audit_commands (session_id, seq, offset_ms, line, source, disagrees)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")) {
            ps.setString(1, cmd.sessionId());
            ps.setInt(2, cmd.seq());
            ps.setLong(3, cmd.offsetMillis());
            ps.setString(4, cmd.line());
            ps.setString(5, cmd.source());
            ps.setBoolean(6, cmd.disagrees());
            ps.executeUpdate();
        }
    }

    /** Sessions this recorder left running: a linked {@code session.interrupted} event each, status interrupted. */
    private void interrupted(Connection c, String recorderId) throws SQLException {
        List<String[]> running = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT session_id, username, host, login FROM audit_sessions WHERE recorder_id = ? AND status = 'running'")) {
            ps.setString(1, recorderId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    running.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                }
            }
        }
        for (String[] s : running) {
            events.appendToSession(c, AuditEvent.builder("session.interrupted").actor(s[1]).sessionId(s[0])
                    .target(s[2] == null ? null : (s[3] == null ? "" : s[3] + "@") + s[2]).failure()
                    .detail("recorder", recorderId).detail("reason", "recorder stopped without ending the session")
                    .build());
            try (PreparedStatement ps = c.prepareStatement("UPDATE audit_sessions SET status = 'interrupted',"
                    + " end_reason = 'interrupted', ended_at = now() WHERE session_id = ? AND status = 'running'")) {
                ps.setString(1, s[0]);
                ps.executeUpdate();
            }
        }
    }

    private static void closed(Connection c, Evidence.Closed cl) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE audit_sessions SET ended_at = ?, status = ?, exit_status = ?, exit_signal = ?, end_reason = ?,
                    chunks = GREATEST(chunks, ?), output_bytes = ?
                WHERE session_id = ?""")) {
            SessionEnd end = cl.end();
            ps.setTimestamp(1, Timestamp.from(end.endedAt()));
            ps.setString(2, cl.status());
            ps.setObject(3, end.exitStatus());
            ps.setString(4, end.exitSignal());
            ps.setString(5, end.reason());
            ps.setInt(6, cl.chunks());
            ps.setLong(7, cl.outputBytes());
            ps.setString(8, cl.sessionId());
            ps.executeUpdate();
        }
    }
}
