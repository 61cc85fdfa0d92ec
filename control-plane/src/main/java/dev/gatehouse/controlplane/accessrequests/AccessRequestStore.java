package dev.gatehouse.controlplane.accessrequests;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code access_requests} table. Moves are claimed atomically: a second decision on one request finds nothing. */
@Component
public final class AccessRequestStore {

    private static final String COLUMNS =
            "id, username, role, reason, minutes, status, decided_by, decided_at, expires_at, created_at";

    private final JdbcClient jdbc;

    public AccessRequestStore(JdbcClient jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    public void insert(AccessRequest request) {
        jdbc.sql("INSERT INTO access_requests (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(request.id(), request.username(), request.role(), request.reason(), request.minutes(),
                        request.status().wire(), request.decidedBy(), timestamp(request.decidedAt()),
                        timestamp(request.expiresAt()), timestamp(request.createdAt()))
                .update();
    }

    public Optional<AccessRequest> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM access_requests WHERE id = ?").param(id)
                .query(AccessRequestStore::map).optional();
    }

    /** A person's own requests, newest first, at most {@code limit}. */
    public List<AccessRequest> listFor(String username, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM access_requests WHERE username = ? ORDER BY created_at DESC LIMIT ?")
                .params(username, limit).query(AccessRequestStore::map).list();
    }

    /** Requests waiting for a decision, oldest first, at most {@code limit}. */
    public List<AccessRequest> listPending(int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM access_requests WHERE status = 'pending' ORDER BY created_at LIMIT ?")
                .param(limit).query(AccessRequestStore::map).list();
    }

    public int countPending(String username) {
        return jdbc.sql("SELECT count(*) FROM access_requests WHERE username = ? AND status = 'pending'")
                .param(username).query(Integer.class).single();
    }

    /** The roles a person holds through approved requests at {@code now}: what the policy adds to their own. */
    public List<String> grantedRoles(String username, Instant now) {
        return jdbc.sql("SELECT DISTINCT role FROM access_requests WHERE username = ? AND status = 'approved'"
                        + " AND expires_at > ? ORDER BY role")
                .params(username, Timestamp.from(now)).query(String.class).list();
    }

    /** Who holds {@code role} through an approved request at {@code now}: whose access a change of the role affects. */
    public List<String> holders(String role, Instant now) {
        return jdbc.sql("SELECT DISTINCT username FROM access_requests WHERE role = ? AND status = 'approved'"
                        + " AND expires_at > ? ORDER BY username")
                .params(role, Timestamp.from(now)).query(String.class).list();
    }

    /**
     * Stores {@code decided} if the stored request is still in {@code from}; false when another decision came first.
     */
    public boolean move(AccessRequest decided, AccessRequest.Status from) {
        return jdbc.sql("UPDATE access_requests SET status = ?, decided_by = ?, decided_at = ?, expires_at = ?"
                        + " WHERE id = ? AND status = ?")
                .params(decided.status().wire(), decided.decidedBy(), timestamp(decided.decidedAt()),
                        timestamp(decided.expiresAt()), decided.id(), from.wire())
                .update() == 1;
    }

    /** Approved requests whose time is up at {@code now}, for the expiry sweep to close and audit. */
    public List<AccessRequest> lapsed(Instant now, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM access_requests WHERE status = 'approved' AND expires_at <= ?"
                        + " ORDER BY expires_at LIMIT ?")
                .params(Timestamp.from(now), limit).query(AccessRequestStore::map).list();
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static AccessRequest map(ResultSet rs, int row) throws SQLException {
        return new AccessRequest(rs.getObject("id", UUID.class), rs.getString("username"), rs.getString("role"),
                rs.getString("reason"), rs.getInt("minutes"),
                AccessRequest.Status.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
                rs.getString("decided_by"), instant(rs, "decided_at"), instant(rs, "expires_at"),
                instant(rs, "created_at"));
    }
}
