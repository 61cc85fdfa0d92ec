package dev.gatehouse.controlplane.tokens;

import dev.gatehouse.controlplane.security.ApiScope;
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

/** The {@code api_tokens} table. */
@Component
public final class ApiTokenStore {

    private static final String COLUMNS = "id, name, scope, expires_at, revoked_at, created_by, created_at";

    private final JdbcClient jdbc;

    public ApiTokenStore(JdbcClient jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    public void insert(ApiToken token, String tokenHash) {
        jdbc.sql("INSERT INTO api_tokens (id, name, token_hash, scope, expires_at, created_by, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(token.id(), token.name(), tokenHash, token.scope().wireName(), timestamp(token.expiresAt()),
                        token.createdBy(), timestamp(token.createdAt()))
                .update();
    }

    public Optional<ApiToken> findByHash(String tokenHash) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_tokens WHERE token_hash = ?").param(tokenHash)
                .query(ApiTokenStore::map).optional();
    }

    public Optional<ApiToken> findByName(String name) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_tokens WHERE name = ?").param(name)
                .query(ApiTokenStore::map).optional();
    }

    public Optional<ApiToken> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_tokens WHERE id = ?").param(id)
                .query(ApiTokenStore::map).optional();
    }

    public List<ApiToken> list() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_tokens ORDER BY name").query(ApiTokenStore::map).list();
    }

    /** The tokens {@code createdBy} made (an audit name: a person, or {@code token:<name>}). */
    public List<ApiToken> createdBy(String createdBy) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_tokens WHERE created_by = ? ORDER BY name").param(createdBy)
                .query(ApiTokenStore::map).list();
    }

    public void revoke(UUID id, Instant at) {
        jdbc.sql("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").params(timestamp(at), id)
                .update();
    }

    public boolean hashMatches(String name, String tokenHash) {
        return jdbc.sql("SELECT count(*) FROM api_tokens WHERE name = ? AND token_hash = ? AND revoked_at IS NULL")
                .params(name, tokenHash).query(Integer.class).single() > 0;
    }

    private static ApiToken map(ResultSet rs, int row) throws SQLException {
        return new ApiToken(rs.getObject("id", UUID.class), rs.getString("name"),
                ApiScope.fromWireName(rs.getString("scope")), instant(rs.getTimestamp("expires_at")),
                instant(rs.getTimestamp("revoked_at")), rs.getString("created_by"), instant(rs.getTimestamp("created_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static Timestamp timestamp(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
