package dev.gatehouse.controlplane.audit;

/**
 * The control plane's side of the audit log: its records (who changed or was refused what) go here, inside the
 * change's transaction, and become {@link dev.gatehouse.audit.events.AuditEvent}s in the evidence chain. The audit
 * module's {@link dev.gatehouse.audit.events.AuditSink} is where finished events go; this is one step before it.
 */
public interface ControlPlaneAudit {

    void record(AuditRecord record);
}
