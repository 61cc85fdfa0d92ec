package dev.gatehouse.audit.search;

import dev.gatehouse.audit.events.AuditStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/** Finds sessions by who, where, when, status and what was typed or shown; lists a session's commands. */
public final class SessionSearch {

    private static final String MATCHES_TEXT = """
             AND (EXISTS (SELECT 1 FROM audit_commands c WHERE c.session_id = s.session_id
                    AND to_tsvector('simple', c.line) @@ plainto_tsquery('simple', ?))
               OR EXISTS (SELECT 1 FROM audit_session_text t WHERE t.session_id = s.session_id
                    AND t.body @@ plainto_tsquery('simple', ?)))""";

    private final DataSource dataSource;

    public SessionSearch(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    public List<SessionSummary> search(SessionQuery q) {
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_sessions s WHERE true");
        List<Object> args = new ArrayList<>();
        add(sql, args, " AND s.username = ?", q.user());
        add(sql, args, " AND s.host = ?", q.host());
        add(sql, args, " AND s.login = ?", q.login());
        add(sql, args, " AND s.status = ?", q.status());
        add(sql, args, " AND s.started_at >= ?", q.from() == null ? null : Timestamp.from(q.from()));
        add(sql, args, " AND s.started_at < ?", q.to() == null ? null : Timestamp.from(q.to()));
        if (q.text() != null) {
            sql.append(" ").append(MATCHES_TEXT);
            args.add(q.text());
            args.add(q.text());
        }
        if (q.after() != null) {
            int bar = q.after().indexOf('|');
            Instant at;
            try {
                at = Instant.parse(bar < 0 ? "" : q.after().substring(0, bar));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'after' is not a cursor from an earlier page: " + q.after());
            }
            sql.append(" AND (s.started_at, s.session_id) < (?, ?)");
            args.add(Timestamp.from(at));
            args.add(q.after().substring(bar + 1));
        }
        sql.append(" ORDER BY s.started_at DESC, s.session_id DESC LIMIT ").append(q.limit());
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<SessionSummary> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString("session_id");
                    out.add(summary(rs, q.text() == null ? List.of() : matchingCommands(c, id, q.text())));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new AuditStoreException("cannot search sessions: " + e.getMessage(), e);
        }
    }

    public Optional<SessionSummary> session(String sessionId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT * FROM audit_sessions WHERE session_id = ?")) {
            ps.setString(1, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(summary(rs, List.of())) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new AuditStoreException("cannot read session " + sessionId + ": " + e.getMessage(), e);
        }
    }

    /** Every command of a session, in order. */
    public List<CommandHit> commands(String sessionId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM audit_commands WHERE session_id = ? ORDER BY seq")) {
            ps.setString(1, sessionId);
            return hits(ps);
        } catch (SQLException e) {
            throw new AuditStoreException("cannot read commands of " + sessionId + ": " + e.getMessage(), e);
        }
    }

    private static List<CommandHit> matchingCommands(Connection c, String sessionId, String text) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM audit_commands WHERE session_id = ?"
                + " AND to_tsvector('simple', line) @@ plainto_tsquery('simple', ?) ORDER BY seq LIMIT 50")) {
            ps.setString(1, sessionId);
            ps.setString(2, text);
            return hits(ps);
        }
    }

    private static List<CommandHit> hits(PreparedStatement ps) throws SQLException {
        List<CommandHit> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new CommandHit(rs.getString("session_id"), rs.getInt("seq"), rs.getLong("offset_ms"),
                        rs.getString("line"), rs.getString("source"), rs.getBoolean("disagrees")));
            }
        }
        return out;
    }

    private static SessionSummary summary(ResultSet rs, List<CommandHit> matches) throws SQLException {
        int exit = rs.getInt("exit_status");
        Integer exitStatus = rs.wasNull() ? null : exit;
        OffsetDateTime ended = rs.getObject("ended_at", OffsetDateTime.class);
        return new SessionSummary(rs.getString("session_id"), rs.getString("username"), rs.getString("login"),
                rs.getString("host"), rs.getString("network"), rs.getString("source_address"), rs.getString("kind"),
                rs.getObject("started_at", OffsetDateTime.class).toInstant(), ended == null ? null : ended.toInstant(),
                rs.getString("status"), exitStatus, rs.getString("exit_signal"), rs.getInt("chunks"),
                rs.getLong("output_bytes"), matches, rs.getString("recorder_id"));
    }

    private static void add(StringBuilder sql, List<Object> args, String clause, Object value) {
        if (value != null) {
            sql.append(clause);
            args.add(value);
        }
    }
}
