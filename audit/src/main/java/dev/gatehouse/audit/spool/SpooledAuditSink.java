package dev.gatehouse.audit.spool;

import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.events.AuditSink;
import dev.gatehouse.audit.recording.Evidence;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Audit events through the {@link EvidenceSpool}, in order with the recordings: kept on disk while the store is away
 * and delivered once it is back, each exactly once (a delivery id per event). For events that must not be lost with
 * the database, such as the bastion's logins, logouts and refusals; not for a change that has to commit together
 * with its event (the control plane's admin changes write to the store directly).
 */
public final class SpooledAuditSink implements AuditSink {

    private final EvidenceSpool spool;

    public SpooledAuditSink(EvidenceSpool spool) {
        this.spool = Objects.requireNonNull(spool, "spool");
    }

    @Override
    public void record(AuditEvent event) {
        spool.submit(List.of(new Evidence.NodeEvent(UUID.randomUUID().toString(), Objects.requireNonNull(event,
                "event"))));
    }
}
