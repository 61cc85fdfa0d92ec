package dev.gatehouse.controlplane.agents;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code agents} table and its per-node {@code agent_links}. */
@Component
public final class AgentStore {

    /** A link whose node has not reported for this long counts as gone (the node crashed or was cut off). */
    static final Duration STALE_LINK = Duration.ofSeconds(30);

    private static final String COLUMNS = "a.id, a.network, a.name, a.cert_serial, a.last_seen_at, a.version,"
            + " a.created_at";

    private final JdbcClient jdbc;

    public AgentStore(JdbcClient jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    /** Records the certificate just issued to {@code name} in {@code network}: a new agent, or a re-join. */
    public UUID enrolled(String network, String name, String certSerial) {
        return jdbc.sql("INSERT INTO agents (id, network, name, cert_serial) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (network, name) DO UPDATE SET cert_serial = EXCLUDED.cert_serial,"
                        + " previous_serial = NULL RETURNING id")
                .params(UUID.randomUUID(), network, name, certSerial).query(UUID.class).single();
    }

    /**
     * The serials {@code name} in {@code network} may present: the last issued and the one the last renewal was
     * authenticated with; empty when the agent is not enrolled (never, or revoked).
     */
    public Optional<AdmittedSerials> admittedSerials(String network, String name) {
        return jdbc.sql("SELECT cert_serial, previous_serial FROM agents WHERE network = ? AND name = ?")
                .params(network, name)
                .query((rs, row) -> new AdmittedSerials(rs.getString("cert_serial"), rs.getString("previous_serial")))
                .optional();
    }

    /** Of these agents ({@code network/name}), the ones still enrolled. */
    public Set<String> enrolledAmong(Collection<String> networkSlashNames) {
        if (networkSlashNames.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.sql("SELECT network || '/' || name FROM agents WHERE network || '/' || name = ANY(?)")
                .param(networkSlashNames.toArray(String[]::new)).query(String.class).list());
    }

    /**
     * Records a renewal authenticated with {@code presentedSerial}: {@code newSerial} becomes current, and the
     * presented one stays admitted (until it expires) in case the answer never reaches the agent. False when the
     * agent was revoked meanwhile or the presented serial is no longer admitted.
     */
    public boolean renewed(String network, String name, String presentedSerial, String newSerial) {
        return jdbc.sql("UPDATE agents SET previous_serial = ?, cert_serial = ? WHERE network = ? AND name = ?"
                        + " AND ? IN (cert_serial, previous_serial)")
                .params(presentedSerial, newSerial, network, name, presentedSerial).update() == 1;
    }

    /** The certificate serials an enrolled agent may present. */
    public record AdmittedSerials(String current, String previous) {
        public boolean admits(String serial) {
            return serial.equals(current) || serial.equals(previous);
        }
    }

    /** Stores what {@code node} reports about its link to the agent; nothing when the agent is not enrolled. */
    public void linkReported(String network, String name, String node, AgentLinkStatus status) {
        Timestamp lastSeen = status.lastSeenAt() == null ? null : Timestamp.from(status.lastSeenAt());
        jdbc.sql("INSERT INTO agent_links (agent_id, node_id, connected, remote_address, version, open_streams,"
                        + " bytes_in, bytes_out, last_seen_at, updated_at)"
                        + " SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, now() FROM agents WHERE network = ? AND name = ?"
                        + " ON CONFLICT (agent_id, node_id) DO UPDATE SET connected = EXCLUDED.connected,"
                        + " remote_address = EXCLUDED.remote_address, version = EXCLUDED.version,"
                        + " open_streams = EXCLUDED.open_streams, bytes_in = EXCLUDED.bytes_in,"
                        + " bytes_out = EXCLUDED.bytes_out, last_seen_at = EXCLUDED.last_seen_at, updated_at = now()")
                .params(node, status.connected(), status.remoteAddress(), status.version(), status.openStreams(),
                        status.bytesIn(), status.bytesOut(), lastSeen, network, name)
                .update();
        jdbc.sql("UPDATE agents SET last_seen_at = GREATEST(last_seen_at, ?), version = COALESCE(?, version)"
                        + " WHERE network = ? AND name = ?")
                .params(lastSeen, status.version(), network, name).update();
    }

    public Optional<Agent> find(UUID id) {
        return query(" WHERE a.id = ?", id).stream().findFirst();
    }

    public List<Agent> list() {
        return query("");
    }

    /** Removes the agent and its link rows: its certificate is refused from now on. */
    public void delete(UUID id) {
        jdbc.sql("DELETE FROM agents WHERE id = ?").param(id).update();
    }

    private List<Agent> query(String where, Object... params) {
        Map<UUID, Agent> agents = new LinkedHashMap<>();
        Map<UUID, List<AgentLinkStatus>> links = new LinkedHashMap<>();
        // A node writes a link's row when it changes (or once a minute); while the node itself heartbeats, its rows
        // are current, so an idle link stays live (and "seen" at the node's last heartbeat) without being rewritten.
        jdbc.sql("SELECT " + COLUMNS + ", l.node_id, l.connected AND (l.updated_at > now() - make_interval(secs => ?)"
                        + " OR n.last_heartbeat > now() - make_interval(secs => ?)) AS live, l.remote_address,"
                        + " l.version AS link_version, l.open_streams, l.bytes_in, l.bytes_out,"
                        + " CASE WHEN l.connected AND n.last_heartbeat > l.last_seen_at THEN n.last_heartbeat"
                        + " ELSE l.last_seen_at END AS link_seen FROM agents a"
                        + " LEFT JOIN agent_links l ON l.agent_id = a.id"
                        + " LEFT JOIN gateway_nodes n ON n.id = l.node_id" + where
                        + " ORDER BY a.network, a.name, l.node_id")
                .params(concat(new Object[] {STALE_LINK.toSeconds(), STALE_LINK.toSeconds()}, params))
                .query((ResultSet rs) -> {
                    UUID id = rs.getObject("id", UUID.class);
                    agents.computeIfAbsent(id, key -> agent(rs));
                    List<AgentLinkStatus> own = links.computeIfAbsent(id, key -> new ArrayList<>());
                    String node = rs.getString("node_id");
                    if (node != null) {
                        own.add(new AgentLinkStatus(node, rs.getBoolean("live"), rs.getString("remote_address"),
                                rs.getString("link_version"), rs.getInt("open_streams"), rs.getLong("bytes_in"),
                                rs.getLong("bytes_out"), instant(rs.getTimestamp("link_seen"))));
                    }
                });
        return agents.values().stream().map(a -> {
            List<AgentLinkStatus> own = links.get(a.id());
            Instant seen = own.stream().map(AgentLinkStatus::lastSeenAt).filter(Objects::nonNull)
                    .reduce(a.lastSeenAt(), (x, y) -> x == null || y.isAfter(x) ? y : x);
            return new Agent(a.id(), a.network(), a.name(), a.certSerial(), seen, a.version(), a.createdAt(),
                    own.stream().anyMatch(AgentLinkStatus::connected), own);
        }).toList();
    }

    private static Object[] concat(Object[] first, Object[] rest) {
        Object[] all = Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }

    private static Agent agent(ResultSet rs) {
        try {
            return new Agent(rs.getObject("id", UUID.class), rs.getString("network"), rs.getString("name"),
                    rs.getString("cert_serial"), instant(rs.getTimestamp("last_seen_at")), rs.getString("version"),
                    instant(rs.getTimestamp("created_at")), false, List.of());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read an agents row: " + e.getMessage(), e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
