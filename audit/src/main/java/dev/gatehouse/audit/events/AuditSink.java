package dev.gatehouse.audit.events;

/** Where audit events go. Implementations either store the event or throw; they never drop it silently. */
@FunctionalInterface
public interface AuditSink {

    void record(AuditEvent event);
}
