package dev.gatehouse.controlplane.audit;

import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.events.AuditSink;
import java.util.Map;
import java.util.Objects;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Writes control-plane audit records through the audit module; before/after become plain JSON objects. */
final class AuditSinkWriter implements ControlPlaneAudit {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

    private final AuditSink sink;

    AuditSinkWriter(AuditSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public void record(AuditRecord record) {
        AuditEvent.Builder event = AuditEvent.builder(record.type())
                .actor(record.actor())
                .target(record.target())
                .sourceAddress(record.sourceAddress())
                .outcome(record.outcome());
        if (record.before() != null || record.after() != null) {
            event.change(plain(record.before()), plain(record.after()));
        }
        if (record.reason() != null) {
            event.detail("reason", record.reason());
        }
        sink.record(event.build());
    }

    private static Map<String, Object> plain(Object state) {
        return state == null ? null : JSON.convertValue(state, OBJECT);
    }
}
