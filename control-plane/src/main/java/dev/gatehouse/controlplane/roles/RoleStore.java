package dev.gatehouse.controlplane.roles;

import dev.gatehouse.controlplane.database.JsonColumns;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code roles} table. */
@Component
public final class RoleStore {

    private static final String COLUMNS = "name, logins, host_labels, forward_destinations, max_session_seconds,"
            + " allow_remote_forwarding, allow_agent_forwarding, port_forwarding, detached_seconds, approvers,"
            + " max_request_minutes, require_sso, require_approval";

    private final JdbcClient jdbc;

    public RoleStore(JdbcClient jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    public Optional<Role> find(String name) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM roles WHERE name = ?").param(name).query(RoleStore::map).optional();
    }

    public List<Role> list() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM roles ORDER BY name").query(RoleStore::map).list();
    }

    public List<Role> findAll(Collection<String> names) {
        if (names.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT " + COLUMNS + " FROM roles WHERE name IN (:names) ORDER BY name")
                .param("names", names).query(RoleStore::map).list();
    }

    public void insert(Role role) {
        jdbc.sql("INSERT INTO roles (" + COLUMNS + ") VALUES (?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?,"
                        + " ?::jsonb, ?, ?, ?)")
                .params(role.name(), JsonColumns.write(role.logins()), JsonColumns.write(role.hostLabels()),
                        JsonColumns.write(role.forwardDestinations()), role.maxSessionSeconds(),
                        role.allowRemoteForwarding(), role.allowAgentForwarding(), role.portForwarding(),
                        role.detachedSeconds(), JsonColumns.write(role.approvers()), role.maxRequestMinutes(),
                        role.requireSso(), role.requireApproval())
                .update();
    }

    public void update(Role role) {
        jdbc.sql("UPDATE roles SET logins = ?::jsonb, host_labels = ?::jsonb, forward_destinations = ?::jsonb,"
                        + " max_session_seconds = ?, allow_remote_forwarding = ?, allow_agent_forwarding = ?,"
                        + " port_forwarding = ?, detached_seconds = ?, approvers = ?::jsonb, max_request_minutes = ?,"
                        + " require_sso = ?, require_approval = ?, updated_at = now() WHERE name = ?")
                .params(JsonColumns.write(role.logins()), JsonColumns.write(role.hostLabels()),
                        JsonColumns.write(role.forwardDestinations()), role.maxSessionSeconds(),
                        role.allowRemoteForwarding(), role.allowAgentForwarding(), role.portForwarding(),
                        role.detachedSeconds(), JsonColumns.write(role.approvers()), role.maxRequestMinutes(),
                        role.requireSso(), role.requireApproval(), role.name())
                .update();
    }

    public void delete(String name) {
        jdbc.sql("DELETE FROM roles WHERE name = ?").param(name).update();
    }

    private static Role map(ResultSet rs, int row) throws SQLException {
        return new Role(rs.getString("name"), JsonColumns.list(rs.getString("logins")),
                JsonColumns.map(rs.getString("host_labels")), JsonColumns.list(rs.getString("forward_destinations")),
                rs.getInt("max_session_seconds"), rs.getBoolean("allow_remote_forwarding"),
                rs.getBoolean("allow_agent_forwarding"), rs.getBoolean("port_forwarding"),
                rs.getInt("detached_seconds"), JsonColumns.list(rs.getString("approvers")),
                rs.getObject("max_request_minutes", Integer.class), rs.getBoolean("require_sso"),
                rs.getBoolean("require_approval"));
    }
}
