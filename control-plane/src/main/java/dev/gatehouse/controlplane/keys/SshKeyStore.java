package dev.gatehouse.controlplane.keys;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code ssh_keys} table; a fingerprint is unique, so a key belongs to one user. */
@Component
public final class SshKeyStore {

    private static final String COLUMNS = "id, username, fingerprint, algorithm, public_key, comment, created_at";

    private final JdbcClient jdbc;

    public SshKeyStore(JdbcClient jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    public void insert(SshKey key) {
        jdbc.sql("INSERT INTO ssh_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(key.id(), key.username(), key.fingerprint(), key.algorithm(), key.publicKey(), key.comment(),
                        Timestamp.from(key.createdAt()))
                .update();
    }

    public List<SshKey> forUser(String username) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM ssh_keys WHERE username = ? ORDER BY created_at, id")
                .param(username).query(SshKeyStore::map).list();
    }

    public Optional<SshKey> find(String username, UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM ssh_keys WHERE username = ? AND id = ?").params(username, id)
                .query(SshKeyStore::map).optional();
    }

    public Optional<SshKey> findByFingerprint(String fingerprint) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM ssh_keys WHERE fingerprint = ?").param(fingerprint)
                .query(SshKeyStore::map).optional();
    }

    public void delete(UUID id) {
        jdbc.sql("DELETE FROM ssh_keys WHERE id = ?").param(id).update();
    }

    private static SshKey map(ResultSet rs, int row) throws SQLException {
        return new SshKey(rs.getObject("id", UUID.class), rs.getString("username"), rs.getString("fingerprint"),
                rs.getString("algorithm"), rs.getString("public_key"), rs.getString("comment"),
                rs.getTimestamp("created_at").toInstant());
    }
}
