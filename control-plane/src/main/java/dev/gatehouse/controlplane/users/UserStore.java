package dev.gatehouse.controlplane.users;

import dev.gatehouse.controlplane.database.JsonColumns;
import dev.gatehouse.controlplane.security.ApiScope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code users} table. */
@Component
public final class UserStore {

    private static final String COLUMNS = "username, roles, disabled, api_scope, password_hash IS NOT NULL AS has_password";

    private final JdbcClient jdbc;

    public UserStore(JdbcClient jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    public Optional<User> find(String username) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE username = ?").param(username)
                .query(UserStore::map).optional();
    }

    /** Locks the row for the rest of the transaction. */
    public Optional<User> findForUpdate(String username) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE username = ? FOR UPDATE").param(username)
                .query(UserStore::map).optional();
    }

    public List<User> list() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM users ORDER BY username").query(UserStore::map).list();
    }

    public List<String> usernamesWithRole(String role) {
        return jdbc.sql("SELECT username FROM users WHERE roles @> ?::jsonb ORDER BY username")
                .param(JsonColumns.write(List.of(role))).query(String.class).list();
    }

    public void insert(User user, String passwordHash) {
        jdbc.sql("INSERT INTO users (username, roles, disabled, api_scope, password_hash) VALUES (?, ?::jsonb, ?, ?, ?)")
                .params(user.username(), JsonColumns.write(user.roles()), user.disabled(), scope(user.apiScope()),
                        passwordHash)
                .update();
    }

    /** Updates roles, disabled and scope; the password hash only when {@code passwordHash} is not null. */
    public void update(User user, String passwordHash) {
        jdbc.sql("UPDATE users SET roles = ?::jsonb, disabled = ?, api_scope = ?,"
                        + " password_hash = COALESCE(?, password_hash), updated_at = now() WHERE username = ?")
                .params(JsonColumns.write(user.roles()), user.disabled(), scope(user.apiScope()), passwordHash,
                        user.username())
                .update();
    }

    public void delete(String username) {
        jdbc.sql("DELETE FROM users WHERE username = ?").param(username).update();
    }

    public Optional<String> passwordHash(String username) {
        return jdbc.sql("SELECT password_hash FROM users WHERE username = ? AND password_hash IS NOT NULL")
                .param(username).query(String.class).optional();
    }

    private static String scope(ApiScope scope) {
        return scope == null ? null : scope.wireName();
    }

    private static User map(ResultSet rs, int row) throws SQLException {
        String scope = rs.getString("api_scope");
        return new User(rs.getString("username"), JsonColumns.list(rs.getString("roles")), rs.getBoolean("disabled"),
                scope == null ? null : ApiScope.fromWireName(scope), rs.getBoolean("has_password"));
    }
}
