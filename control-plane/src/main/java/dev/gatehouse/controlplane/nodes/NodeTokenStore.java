package dev.gatehouse.controlplane.nodes;

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

/** The {@code node_tokens} table. */
@Component
public final class NodeTokenStore {

    private static final String COLUMNS = "id, role, expires_at, used_at, used_by, revoked_at, created_by, created_at";

    private final JdbcClient jdbc;

    public NodeTokenStore(JdbcClient jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    public void insert(NodeToken token, String tokenHash) {
        jdbc.sql("INSERT INTO node_tokens (id, token_hash, role, expires_at, created_by, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?)")
                .params(token.id(), tokenHash, token.role(), Timestamp.from(token.expiresAt()), token.createdBy(),
                        Timestamp.from(token.createdAt()))
                .update();
    }

    public List<NodeToken> list() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM node_tokens ORDER BY created_at DESC").query(NodeTokenStore::map)
                .list();
    }

    public Optional<NodeToken> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM node_tokens WHERE id = ?").param(id).query(NodeTokenStore::map)
                .optional();
    }

    public void revoke(UUID id, Instant at) {
        jdbc.sql("UPDATE node_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
                .params(Timestamp.from(at), id).update();
    }

    /** Marks the token used by {@code node} if valid at {@code now}; empty when unknown, used, revoked or expired. */
    public Optional<NodeToken> consume(String tokenHash, String node, Instant now) {
        return jdbc.sql("UPDATE node_tokens SET used_at = ?, used_by = ? WHERE token_hash = ? AND used_at IS NULL"
                        + " AND revoked_at IS NULL AND expires_at > ? RETURNING " + COLUMNS)
                .params(Timestamp.from(now), node, tokenHash, Timestamp.from(now)).query(NodeTokenStore::map)
                .optional();
    }

    private static NodeToken map(ResultSet rs, int row) throws SQLException {
        return new NodeToken(rs.getObject("id", UUID.class), rs.getString("role"), at(rs, "expires_at"),
                at(rs, "used_at"), rs.getString("used_by"), at(rs, "revoked_at"), rs.getString("created_by"),
                at(rs, "created_at"));
    }

    static Instant at(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
