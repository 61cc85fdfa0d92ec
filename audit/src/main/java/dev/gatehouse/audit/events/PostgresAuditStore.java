package dev.gatehouse.audit.events;

import dev.gatehouse.audit.chain.ChainHash;
import dev.gatehouse.audit.chain.SessionLink;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Audit events in PostgreSQL, each linked into the global hash chain as it is inserted.
 *
 * <p>Every insert takes the chain head row lock, so events get gapless ids in chain order. {@link #record} runs on
 * whatever connection the data source hands out: when that connection is inside a caller's transaction the event
 * commits or rolls back with the caller's change; otherwise it commits at once.
 */
public final class PostgresAuditStore implements AuditSink {

    private static final String COLUMNS = "id, type, time, actor, source_address, target, outcome, session_id, "
            + "details, session_seq, session_hash, prev_hash, hash";

    private final DataSource dataSource;

    public PostgresAuditStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void record(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        append(List.of(new LinkedEvent(event, null)));
    }

    /**
     * Appends events in order, in one transaction (or the caller's). Events that carry a session link already stored
     * (same session and sequence) are skipped, so redelivery after an unacknowledged commit is harmless.
     *
     * @return the number of events inserted
     */
    public int append(List<LinkedEvent> events) {
        if (events.isEmpty()) {
            return 0;
        }
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            if (autoCommit) {
                c.setAutoCommit(false);
            }
            try {
                int n = insert(c, events);
                if (autoCommit) {
                    c.commit();
                }
                return n;
            } catch (SQLException | RuntimeException e) {
                if (autoCommit) {
                    c.rollback();
                }
                throw e;
            } finally {
                if (autoCommit) {
                    c.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw new AuditStoreException("cannot store " + events.size() + " audit event(s): " + e.getMessage(), e);
        }
    }

    /** Appends on the caller's connection and transaction (the caller commits). */
    public int append(Connection c, List<LinkedEvent> events) throws SQLException {
        return events.isEmpty() ? 0 : insert(c, events);
    }

    /**
     * Appends an event to the end of its session's chain as stored (for events written after the recorder is gone:
     * interruption, retention tombstones), on the caller's transaction.
     */
    public void appendToSession(Connection c, AuditEvent e) throws SQLException {
        long seq = 0;
        byte[] prev = ChainHash.genesis();
        try (PreparedStatement ps = c.prepareStatement("SELECT session_seq, session_hash FROM audit_events"
                + " WHERE session_id = ? AND session_seq IS NOT NULL ORDER BY session_seq DESC LIMIT 1")) {
            ps.setString(1, Objects.requireNonNull(e.sessionId(), "sessionId"));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    seq = rs.getLong(1);
                    prev = rs.getBytes(2);
                }
            }
        }
        byte[] canonical = CanonicalJson.event(e);
        insert(c, List.of(new LinkedEvent(e, new SessionLink(seq + 1, prev, ChainHash.link(prev, canonical)),
                canonical)));
    }

    private static int insert(Connection c, List<LinkedEvent> events) throws SQLException {
        long seq;
        byte[] prev;
        try (PreparedStatement head = c.prepareStatement("SELECT seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE");
                ResultSet rs = head.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("audit_chain_head is empty: run AuditSchema.migrate first");
            }
            seq = rs.getLong(1);
            prev = rs.getBytes(2);
        }
        Set<String> present = alreadyStored(c, events);
        int inserted = 0;
        try (EventCopy copy = new EventCopy(c)) {
            for (LinkedEvent le : events) {
                AuditEvent e = le.event();
                SessionLink link = le.sessionLink();
                if (link != null && present.contains(e.sessionId() + "/" + link.seq())) {
                    continue;
                }
                byte[] hash = ChainHash.link(prev, le.canonical());
                copy.row(++seq, e, CanonicalJson.details(e), link == null ? null : link.seq(),
                        link == null ? null : link.prevHash(), link == null ? null : link.hash(), prev, hash);
                prev = hash;
                inserted++;
            }
            copy.finish();
        }
        if (inserted > 0) {
            try (PreparedStatement up = c.prepareStatement("UPDATE audit_chain_head SET seq = ?, hash = ? WHERE id = 1")) {
                up.setLong(1, seq);
                up.setBytes(2, prev);
                up.executeUpdate();
            }
        }
        return inserted;
    }

    /** "session/seq" keys of the batch's session-linked events that are already stored. */
    private static Set<String> alreadyStored(Connection c, List<LinkedEvent> events) throws SQLException {
        java.util.Map<String, long[]> ranges = new java.util.HashMap<>();
        for (LinkedEvent le : events) {
            if (le.sessionLink() != null) {
                long seq = le.sessionLink().seq();
                ranges.merge(le.event().sessionId(), new long[] {seq, seq},
                        (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
            }
        }
        Set<String> present = new HashSet<>();
        for (var range : ranges.entrySet()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT session_seq FROM audit_events"
                    + " WHERE session_id = ? AND session_seq BETWEEN ? AND ?")) {
                ps.setString(1, range.getKey());
                ps.setLong(2, range.getValue()[0]);
                ps.setLong(3, range.getValue()[1]);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        present.add(range.getKey() + "/" + rs.getLong(1));
                    }
                }
            }
        }
        return present;
    }

    /** Events matching the query, in id order. */
    public List<StoredAuditEvent> search(AuditEventQuery q) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_events WHERE true");
        List<Object> args = new ArrayList<>();
        filter(sql, args, "type = ?", q.type());
        filter(sql, args, "actor = ?", q.actor());
        filter(sql, args, "target = ?", q.target());
        filter(sql, args, "session_id = ?", q.sessionId());
        filter(sql, args, "time >= ?", q.from() == null ? null : Timestamp.from(q.from()));
        filter(sql, args, "time < ?", q.to() == null ? null : Timestamp.from(q.to()));
        filter(sql, args, q.newestFirst() ? "id < ?" : "id > ?", q.afterId());
        sql.append(" ORDER BY id ").append(q.newestFirst() ? "DESC" : "ASC").append(" LIMIT ").append(q.limit());
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            return readAll(ps);
        } catch (SQLException e) {
            throw new AuditStoreException("cannot search audit events: " + e.getMessage(), e);
        }
    }

    private static void filter(StringBuilder sql, List<Object> args, String clause, Object value) {
        if (value != null) {
            sql.append(" AND ").append(clause);
            args.add(value);
        }
    }

    private static List<StoredAuditEvent> readAll(PreparedStatement ps) throws SQLException {
        List<StoredAuditEvent> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(read(rs));
            }
        }
        return out;
    }

    static StoredAuditEvent read(ResultSet rs) throws SQLException {
        StoredRow row = StoredRow.read(rs);
        AuditEvent event = new AuditEvent(row.type(), row.time().toInstant(), row.actor(), row.sourceAddress(),
                row.target(), row.outcome(), row.sessionId(), safeDetails(row.details()));
        return new StoredAuditEvent(row.id(), event, row.prevHash(), row.hash(), row.sessionSeq(), row.sessionHash());
    }

    private static java.util.Map<String, Object> safeDetails(String json) {
        try {
            return CanonicalJson.readObject(json);
        } catch (RuntimeException e) {
            // A tampered row may hold anything; show it rather than fail the whole listing.
            return java.util.Map.of("unreadableDetails", json);
        }
    }

    /** One audit_events row exactly as stored, for verification. */
    public record StoredRow(long id, String type, OffsetDateTime time, String actor, String sourceAddress,
            String target, String outcome, String sessionId, String details, Long sessionSeq, byte[] sessionHash,
            byte[] prevHash, byte[] hash) {

        static StoredRow read(ResultSet rs) throws SQLException {
            long seq = rs.getLong("session_seq");
            Long sessionSeq = rs.wasNull() ? null : seq;
            return new StoredRow(rs.getLong("id"), rs.getString("type"),
                    rs.getObject("time", OffsetDateTime.class), rs.getString("actor"),
                    rs.getString("source_address"), rs.getString("target"), rs.getString("outcome"),
                    rs.getString("session_id"), rs.getString("details"), sessionSeq, rs.getBytes("session_hash"),
                    rs.getBytes("prev_hash"), rs.getBytes("hash"));
        }

        /** The canonical bytes recomputed from the stored columns. */
        public byte[] canonical() {
            return CanonicalJson.event(type, EventJson.instant(time.toInstant()), actor,
                    sourceAddress, target, outcome, sessionId, details);
        }
    }

    /** Raw rows after {@code afterId}, in chain order, for the verifier. */
    public List<StoredRow> rowsAfter(long afterId, int limit) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM audit_events WHERE id > ? ORDER BY id LIMIT ?")) {
            ps.setLong(1, afterId);
            ps.setInt(2, limit);
            List<StoredRow> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(StoredRow.read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new AuditStoreException("cannot read the audit chain: " + e.getMessage(), e);
        }
    }
}
