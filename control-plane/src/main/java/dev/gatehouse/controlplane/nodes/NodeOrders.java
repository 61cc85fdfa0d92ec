package dev.gatehouse.controlplane.nodes;

import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import dev.gatehouse.controlplane.live.RemoteWatch;
import dev.gatehouse.controlplane.sessions.RemoteSessions;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Orders for bastion nodes ({@code node_orders}): a terminate from the API is queued in the database, so whichever
 * control plane the node polls hands it over; the node's answer closes it and is audited there. A node polls
 * ({@link #awaitFor}) with a request the control plane holds open until an order arrives: one queued on this control
 * plane wakes it at once, one queued on another is found within {@link #RECHECK}.
 */
final class NodeOrders implements RemoteSessions, RemoteWatch {

    /** How long the API waits for the node's answer before it says the order is queued. */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(5);
    /** How often a held poll looks at the database again for orders queued by another control plane. */
    static final Duration RECHECK = Duration.ofMillis(500);
    /** An order no node took within this is not handed over any more (the node was away; it may be gone). */
    static final Duration STALE = Duration.ofMinutes(1);

    private final JdbcClient jdbc;
    private final NodeDetachedSessions detached;
    private final ControlPlaneAudit trail;
    private final Clock clock;
    private final String replyTo;
    private final Object queued = new Object();

    /** {@code replyTo}: this control plane's node port as nodes reach it (a watch's relay goes there), or empty. */
    NodeOrders(JdbcClient jdbc, NodeDetachedSessions detached, ControlPlaneAudit trail, Clock clock, String replyTo) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        this.detached = Objects.requireNonNull(detached, "detached");
        this.trail = Objects.requireNonNull(trail, "trail");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.replyTo = Objects.requireNonNull(replyTo, "replyTo");
    }

    @Override
    public Outcome terminate(String node, String sessionId, String reason, String actor, String sourceAddress) {
        long id = jdbc.sql("INSERT INTO node_orders (node, kind, session_id, reason, actor, source_address, created_at)"
                        + " VALUES (?, 'terminate', ?, ?, ?, ?, ?) RETURNING id")
                .params(node, sessionId, reason, actor, sourceAddress, Timestamp.from(clock.instant()))
                .query(Long.class).single();
        synchronized (queued) {
            queued.notifyAll();
        }
        long deadline = System.nanoTime() + ANSWER_WAIT.toNanos();
        do {
            Optional<String> outcome = jdbc.sql("SELECT outcome FROM node_orders WHERE id = ? AND done_at IS NOT NULL")
                    .param(id).query(String.class).optional();
            if (outcome.isPresent()) {
                return "ended".equals(outcome.get()) ? Outcome.ENDED : Outcome.NOT_LIVE;
            }
            sleep(Duration.ofMillis(100));
        } while (System.nanoTime() < deadline);
        return Outcome.QUEUED;
    }

    @Override
    public Optional<String> holder(String activityId) {
        return jdbc.sql("SELECT s.recorder_id FROM audit_sessions s JOIN bastion_nodes n ON n.name = s.recorder_id"
                        + " WHERE s.session_id = ? AND s.status = 'running' AND n.revoked_at IS NULL")
                .param(activityId).query(String.class).optional();
    }

    /** A watch order: the node relays the activity to {@code /node/v1/live} until told nobody watches any more. */
    @Override
    public long ask(String node, String activityId, String actor, String sourceAddress) {
        long id = jdbc.sql("INSERT INTO node_orders (node, kind, session_id, reason, actor, source_address, created_at,"
                        + " reply_to) VALUES (?, 'watch', ?, 'live view', ?, ?, ?, ?) RETURNING id")
                .params(node, activityId, actor, sourceAddress, Timestamp.from(clock.instant()),
                        replyTo.isBlank() ? null : replyTo).query(Long.class).single();
        synchronized (queued) {
            queued.notifyAll();
        }
        return id;
    }

    @Override
    public boolean isDetached(String node, String gatewaySessionId) {
        return detached.isDetached(node, gatewaySessionId);
    }

    /** The orders waiting for {@code node}, taken; waits up to {@code hold} for one when there are none. */
    List<NodeWire.Order> awaitFor(String node, Duration hold) {
        long deadline = System.nanoTime() + hold.toNanos();
        while (true) {
            List<NodeWire.Order> taken = take(node);
            long left = deadline - System.nanoTime();
            if (!taken.isEmpty() || left <= 0) {
                return taken;
            }
            synchronized (queued) {
                try {
                    queued.wait(Math.max(1, Math.min(RECHECK.toMillis(), left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return List.of();
                }
            }
        }
    }

    private List<NodeWire.Order> take(String node) {
        Instant now = clock.instant();
        return jdbc.sql("UPDATE node_orders SET taken_at = ? WHERE node = ? AND taken_at IS NULL AND created_at > ?"
                        + " RETURNING id, kind, session_id, reason, reply_to")
                .params(Timestamp.from(now), node, Timestamp.from(now.minus(STALE)))
                .query((rs, row) -> new NodeWire.Order(rs.getLong("id"), rs.getString("kind"),
                        // A recording's id is its gateway session's id, with ".N" for later channels of that session:
                        // a terminate ends the gateway session, a watch relays the one activity.
                        "watch".equals(rs.getString("kind")) ? rs.getString("session_id")
                                : rs.getString("session_id").replaceFirst("\\.\\d+$", ""), rs.getString("reason"),
                        rs.getString("reply_to")))
                .list();
    }

    /** The node's answer: closes the order (once) and audits a session it ended as the API's caller's terminate. */
    void done(String node, NodeWire.OrderDone answer) {
        record Closed(String sessionId, String reason, String actor, String source) {}
        Optional<Closed> closed = jdbc.sql("UPDATE node_orders SET done_at = ?, outcome = ? WHERE id = ? AND node = ?"
                        + " AND done_at IS NULL AND kind = 'terminate' RETURNING session_id, reason, actor, source_address")
                .params(Timestamp.from(clock.instant()), answer.ended() ? "ended" : "not-live", answer.id(), node)
                .query((rs, row) -> new Closed(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .optional();
        closed.filter(c -> answer.ended()).ifPresent(c -> trail.record(new AuditRecord("session.terminated",
                c.actor(), "session:" + c.sessionId(), null, Map.of("reason", c.reason(), "node", node), c.source(),
                "success", null)));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
