package dev.gatehouse.controlplane.nodes;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Objects;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code bastion_nodes} table: enrolled nodes and the certificate serials they may present. */
@Component
public final class NodeStore {

    private final JdbcClient jdbc;

    public NodeStore(JdbcClient jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    /** A first enrolment, or a node enrolling again with a new token: earlier certificates are no longer admitted. */
    public void enrolled(String name, String role, String serial, String recordingKey, Instant at) {
        jdbc.sql("INSERT INTO bastion_nodes (name, role, cert_serial, recording_key, enrolled_at, last_seen_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET role = excluded.role,"
                        + " cert_serial = excluded.cert_serial, previous_cert_serial = NULL,"
                        + " recording_key = excluded.recording_key, enrolled_at = excluded.enrolled_at,"
                        + " revoked_at = NULL, last_seen_at = excluded.last_seen_at")
                .params(name, role, serial, recordingKey, Timestamp.from(at), Timestamp.from(at)).update();
    }

    /** The recording keys of every node that ever enrolled (their recordings stay verifiable after they leave). */
    public java.util.List<String> recordingKeys() {
        return jdbc.sql("SELECT recording_key FROM bastion_nodes WHERE recording_key IS NOT NULL").query(String.class)
                .list();
    }

    /** Whether {@code serial} is a certificate node {@code name} may present: its current or the one before. */
    public boolean admits(String name, String serial) {
        return jdbc.sql("SELECT count(*) FROM bastion_nodes WHERE name = ? AND revoked_at IS NULL"
                        + " AND (cert_serial = ? OR previous_cert_serial = ?)")
                .params(name, serial, serial).query(Long.class).single() > 0;
    }

    /** Records a renewal made with {@code presented}; false when the node was revoked or re-enrolled meanwhile. */
    public boolean renewed(String name, String presented, String serial) {
        return jdbc.sql("UPDATE bastion_nodes SET previous_cert_serial = ?, cert_serial = ? WHERE name = ?"
                        + " AND revoked_at IS NULL AND (cert_serial = ? OR previous_cert_serial = ?)")
                .params(presented, serial, name, presented, presented).update() == 1;
    }

    /** An enrolled node as {@code GET /api/v1/nodes} shows it; {@code sessions}: the session slots it holds. */
    public record Enrolled(String name, String role, Instant enrolledAt, Instant lastSeenAt, Instant revokedAt,
            long sessions) {}

    /** Every node that enrolled, by name, with the count of concurrent-session slots each holds. */
    public java.util.List<Enrolled> list() {
        return enrolled("ORDER BY n.name").list();
    }

    public java.util.Optional<Enrolled> find(String name) {
        return enrolled("WHERE n.name = ?", name).optional();
    }

    private JdbcClient.MappedQuerySpec<Enrolled> enrolled(String where, Object... params) {
        return jdbc.sql("SELECT n.name, n.role, n.enrolled_at, n.last_seen_at, n.revoked_at,"
                        + " (SELECT count(*) FROM session_slots s WHERE s.node = n.name) AS sessions"
                        + " FROM bastion_nodes n " + where).params(params)
                .query((rs, row) -> new Enrolled(rs.getString("name"), rs.getString("role"),
                        instant(rs.getTimestamp("enrolled_at")), instant(rs.getTimestamp("last_seen_at")),
                        instant(rs.getTimestamp("revoked_at")), rs.getLong("sessions")));
    }

    /** No certificate of node {@code name} is admitted from now on; false when it was not enrolled or already revoked. */
    public boolean revoke(String name, Instant at) {
        return jdbc.sql("UPDATE bastion_nodes SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL")
                .params(Timestamp.from(at), name).update() == 1;
    }

    private static Instant instant(Timestamp at) {
        return at == null ? null : at.toInstant();
    }

    public void seen(String name, Instant at) {
        jdbc.sql("UPDATE bastion_nodes SET last_seen_at = ? WHERE name = ?").params(Timestamp.from(at), name).update();
    }
}
