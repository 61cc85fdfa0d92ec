package dev.gatehouse.controlplane.agents;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/agents}: enrolled tunnel agents (enrolment arrives with the tunnel issue). */
@RestController
@RequestMapping("/api/v1/agents")
final class AgentController {

    private final JdbcClient jdbc;

    AgentController(JdbcClient jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    @GetMapping
    List<Agent> list() {
        return jdbc.sql("SELECT id, network, name, cert_serial, last_seen_at, version, created_at FROM agents"
                + " ORDER BY network, name").query(AgentController::map).list();
    }

    private static Agent map(ResultSet rs, int row) throws SQLException {
        return new Agent(rs.getObject("id", UUID.class), rs.getString("network"), rs.getString("name"),
                rs.getString("cert_serial"), instant(rs.getTimestamp("last_seen_at")), rs.getString("version"),
                instant(rs.getTimestamp("created_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
