package dev.gatehouse.controlplane.jointokens;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code join_tokens} table. */
@Component
public final class JoinTokenStore {

    private static final String COLUMNS = "id, network, expires_at, used_at, revoked_at, created_by, created_at";

    private final JdbcClient jdbc;

    public JoinTokenStore(JdbcClient jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    public void insert(JoinToken token, String tokenHash) {
        jdbc.sql("INSERT INTO join_tokens (id, token_hash, network, expires_at, created_by, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?)")
                .params(token.id(), tokenHash, token.network(), Timestamp.from(token.expiresAt()), token.createdBy(),
                        Timestamp.from(token.createdAt()))
                .update();
    }

    public List<JoinToken> list() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM join_tokens ORDER BY created_at DESC").query(JoinTokenStore::map)
                .list();
    }

    public Optional<JoinToken> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM join_tokens WHERE id = ?").param(id).query(JoinTokenStore::map)
                .optional();
    }

    public void revoke(UUID id, Instant at) {
        jdbc.sql("UPDATE join_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
                .params(Timestamp.from(at), id).update();
    }

    /** Marks the token used if it is valid at {@code now}; returns it, or empty (unknown, used, revoked, expired). */
    public Optional<JoinToken> consume(String tokenHash, Instant now) {
        return jdbc.sql("UPDATE join_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
                        + " AND revoked_at IS NULL AND expires_at > ? RETURNING " + COLUMNS)
                .params(Timestamp.from(now), tokenHash, Timestamp.from(now)).query(JoinTokenStore::map).optional();
    }

    private static JoinToken map(ResultSet rs, int row) throws SQLException {
        return new JoinToken(rs.getObject("id", UUID.class), rs.getString("network"), instant(rs, "expires_at"),
                instant(rs, "used_at"), instant(rs, "revoked_at"), rs.getString("created_by"), instant(rs, "created_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
