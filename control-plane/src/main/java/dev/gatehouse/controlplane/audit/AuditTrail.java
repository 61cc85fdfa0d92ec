package dev.gatehouse.controlplane.audit;

/** Where the control plane's audit events go. Called inside the change's transaction. */
public interface AuditTrail {

    void record(AuditRecord record);
}
