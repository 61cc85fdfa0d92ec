package dev.gatehouse.controlplane.nodes;

import dev.gatehouse.audit.recording.Evidence;
import dev.gatehouse.audit.recording.EvidenceStore;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Marks the running sessions of a bastion node that stopped sending heartbeats, or was revoked, as interrupted, so a
 * node that died does not leave them listed as live, and frees the concurrent-session slots it held. Silence is
 * counted from this control plane's own start too: nodes cannot reach a control plane that was down. Evidence the node still had spooled arrives when it comes back and completes
 * those sessions. It also deletes node orders older than {@link #ORDERS_KEPT}, so live views opened over months do not
 * grow the table. One control plane of those sharing the database runs it (a singleton job).
 */
final class NodeLiveness implements AutoCloseable {

    /** Six missed heartbeats. */
    static final Duration SILENCE = Duration.ofSeconds(30);
    static final Duration PERIOD = Duration.ofSeconds(5);
    /**
     * How long node orders are kept, done or not. A terminate order's outcome is audited when it is given; a watch order
     * is placed per live view opened. Neither is evidence, and nothing reads an order a day old.
     */
    static final Duration ORDERS_KEPT = Duration.ofDays(1);
    private static final Logger log = LoggerFactory.getLogger(NodeLiveness.class);

    private final JdbcClient jdbc;
    private final EvidenceStore evidence;
    private final ClusterSessionLimit slots;
    private final Clock clock;
    private final Instant started;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("node-liveness").daemon(true).factory());

    NodeLiveness(JdbcClient jdbc, EvidenceStore evidence, ClusterSessionLimit slots, Clock clock) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        this.evidence = Objects.requireNonNull(evidence, "evidence");
        this.slots = Objects.requireNonNull(slots, "slots");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.started = clock.instant();
    }

    NodeLiveness start(Duration period) {
        timer.scheduleWithFixedDelay(this::check, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Marks the sessions of every silent node with running sessions interrupted; returns those nodes. */
    List<String> check() {
        try {
            Instant now = clock.instant();
            if (now.isBefore(started.plus(SILENCE))) {
                return List.of();
            }
            List<String> silent = jdbc.sql("SELECT n.name FROM bastion_nodes n WHERE (n.last_seen_at < ? OR n.revoked_at IS NOT NULL)"
                            + " AND EXISTS"
                            + " (SELECT 1 FROM audit_sessions s WHERE s.recorder_id = n.name AND s.status = 'running')")
                    .param(Timestamp.from(now.minus(SILENCE))).query(String.class).list();
            for (String node : silent) {
                log.warn("bastion node {} revoked or silent for over {}: its running sessions are marked interrupted",
                        node, SILENCE);
                evidence.store(List.of(new Evidence.Interrupted(node)));
            }
            int freed = slots.releaseSilent(now.minus(SILENCE));
            if (freed > 0) {
                log.warn("{} session slot(s) of silent bastion nodes freed", freed);
            }
            jdbc.sql("DELETE FROM node_orders WHERE created_at < ?").param(Timestamp.from(now.minus(ORDERS_KEPT)))
                    .update();
            return silent;
        } catch (RuntimeException e) {
            log.warn("node liveness check failed: {}", e.toString());
            return List.of();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
