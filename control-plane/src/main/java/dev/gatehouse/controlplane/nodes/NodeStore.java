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

    public void seen(String name, Instant at) {
        jdbc.sql("UPDATE bastion_nodes SET last_seen_at = ? WHERE name = ?").params(Timestamp.from(at), name).update();
    }
}
