package dev.gatehouse.controlplane.nodes;

import dev.gatehouse.sshproxy.access.Decision;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code gatehouse.ssh.max-sessions-per-user} across every bastion node: a node takes a slot in
 * {@code session_slots} before a session starts, refused while the person holds that many on any node. The count and
 * the insert run under a per-person advisory lock, so two nodes admitting at once cannot both take the last slot. A
 * slot is freed when its node reports the session ended, when the node's heartbeat no longer lists it, or when the
 * node goes silent ({@link NodeLiveness}).
 */
final class ClusterSessionLimit {

    /** A slot younger than this is kept even when a heartbeat does not list it: its session may be starting. */
    static final Duration STARTING = Duration.ofSeconds(30);

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final int maxSessionsPerUser;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();

    ClusterSessionLimit(JdbcClient jdbc, TransactionTemplate transactions, int maxSessionsPerUser, Clock clock) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.maxSessionsPerUser = maxSessionsPerUser;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Takes a slot of {@code username} for {@code sessionId} on {@code node}; denied when none is free. */
    Decision<String> reserve(String node, String username, String sessionId) {
        Long held = transactions.execute(status -> {
            jdbc.sql("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext('session-slots'), hashtext(?))) locked")
                    .param(username).query(Integer.class).single();
            long count = jdbc.sql("SELECT count(*) FROM session_slots WHERE username = ? AND session_id <> ?")
                    .params(username, sessionId).query(Long.class).single();
            if (count < maxSessionsPerUser) {
                jdbc.sql("INSERT INTO session_slots (session_id, username, node, reserved_at) VALUES (?, ?, ?, ?)"
                                + " ON CONFLICT (session_id) DO NOTHING")
                        .params(sessionId, username, node, Timestamp.from(clock.instant())).update();
                return -1L;
            }
            return count;
        });
        if (held == null || held < 0) {
            return Decision.allow(sessionId);
        }
        return Decision.deny("too many concurrent sessions: " + username + " has " + held + " running across the"
                + " gateway nodes (at most " + maxSessionsPerUser + ")");
    }

    void release(String node, String sessionId) {
        jdbc.sql("DELETE FROM session_slots WHERE session_id = ? AND node = ?").params(sessionId, node).update();
    }

    /** Frees the slots of {@code node} that its heartbeat no longer lists (their end was not heard). */
    int reconcile(String node, List<String> held) {
        return jdbc.sql("DELETE FROM session_slots WHERE node = ? AND reserved_at < ? AND session_id NOT IN"
                        + " (SELECT jsonb_array_elements_text(CAST(? AS jsonb)))")
                .params(node, Timestamp.from(clock.instant().minus(STARTING)), json.writeValueAsString(held)).update();
    }

    /** Frees every slot of the nodes silent since before {@code silentSince}, and of revoked nodes. */
    int releaseSilent(Instant silentSince) {
        return jdbc.sql("DELETE FROM session_slots s USING bastion_nodes n WHERE s.node = n.name"
                + " AND (n.last_seen_at < ? OR n.revoked_at IS NOT NULL)").param(Timestamp.from(silentSince)).update();
    }
}
