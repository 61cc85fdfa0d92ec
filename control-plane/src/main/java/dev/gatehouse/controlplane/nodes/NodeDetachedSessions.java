package dev.gatehouse.controlplane.nodes;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The sessions each bastion node keeps for re-attach ({@code detached_sessions}), as its last heartbeat listed them:
 * a shell asked for on another node is told where the person's detached session is. A node gone silent
 * ({@link NodeLiveness#SILENCE}) counts as keeping none.
 */
final class NodeDetachedSessions {

    /** More than a node lists is ignored past this (a heartbeat is bounded to 1 MiB anyway). */
    static final int MAX_PER_NODE = 5_000;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    NodeDetachedSessions(JdbcClient jdbc, TransactionTemplate transactions, Clock clock) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Replaces what {@code node} keeps with {@code kept}. */
    void heard(String node, List<NodeWire.Detached> kept) {
        List<NodeWire.Detached> bounded = kept.subList(0, Math.min(kept.size(), MAX_PER_NODE));
        transactions.executeWithoutResult(status -> {
            jdbc.sql("DELETE FROM detached_sessions WHERE node = ?").param(node).update();
            for (NodeWire.Detached d : bounded) {
                jdbc.sql("INSERT INTO detached_sessions (node, session_id, username, login, host, detached_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                        .params(node, Objects.requireNonNull(d.sessionId(), "sessionId"),
                                Objects.requireNonNull(d.user(), "user"), Objects.requireNonNull(d.login(), "login"),
                                Objects.requireNonNull(d.host(), "host"),
                                Timestamp.from(Instant.ofEpochMilli(d.detachedAt())))
                        .update();
            }
        });
    }

    /** The oldest detached session of {@code q}'s person on its login and host kept by a node other than {@code asking}. */
    Optional<NodeWire.Elsewhere> elsewhere(String asking, NodeWire.Where q) {
        return jdbc.sql("SELECT d.node, d.detached_at FROM detached_sessions d JOIN bastion_nodes n ON n.name = d.node"
                        + " WHERE d.username = ? AND d.login = ? AND d.host = ? AND d.node <> ? AND n.last_seen_at > ?"
                        + " ORDER BY d.detached_at LIMIT 1")
                .params(Objects.requireNonNull(q.user(), "user"), Objects.requireNonNull(q.login(), "login"),
                        Objects.requireNonNull(q.host(), "host"), asking, live())
                .query((rs, row) -> new NodeWire.Elsewhere(rs.getString(1), rs.getTimestamp(2).getTime()))
                .optional();
    }

    boolean isDetached(String node, String gatewaySessionId) {
        return jdbc.sql("SELECT count(*) FROM detached_sessions d JOIN bastion_nodes n ON n.name = d.node"
                        + " WHERE d.node = ? AND d.session_id = ? AND n.last_seen_at > ?")
                .params(node, gatewaySessionId, live()).query(Long.class).single() > 0;
    }

    private Timestamp live() {
        return Timestamp.from(clock.instant().minus(NodeLiveness.SILENCE));
    }
}
