package dev.gatehouse.audit.events;

import dev.gatehouse.audit.chain.SessionLink;
import java.util.Objects;

/**
 * An event plus, when it was recorded within a session, its link in that session's chain (else null), and its
 * canonical bytes (computed once here and reused for both chains).
 */
public record LinkedEvent(AuditEvent event, SessionLink sessionLink, byte[] canonical)
        implements java.io.Serializable {

    public LinkedEvent {
        Objects.requireNonNull(event, "event");
        if (sessionLink != null && event.sessionId() == null) {
            throw new IllegalArgumentException("a session-linked event needs a sessionId: " + event.type());
        }
        if (canonical == null) {
            canonical = CanonicalJson.event(event);
        }
    }

    public LinkedEvent(AuditEvent event, SessionLink sessionLink) {
        this(event, sessionLink, null);
    }
}
