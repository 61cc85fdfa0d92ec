package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.events.LinkedEvent;

/** What the recorder hands to storage, in order. Each kind is stored idempotently so redelivery is harmless. */
public sealed interface Evidence extends java.io.Serializable {

    String sessionId();

    /** A session began: its row in the session index. */
    record Opened(SessionStart start, String recorderId) implements Evidence {
        @Override
        public String sessionId() {
            return start.sessionId();
        }
    }

    /** A chained event of the session (including chunk and checkpoint events). */
    record Event(LinkedEvent event) implements Evidence {
        @Override
        public String sessionId() {
            return event.event().sessionId();
        }
    }

    /**
     * An audit event outside any recording (the bastion's logins, logouts and refusals), spooled so that it survives
     * a database outage; {@code deliveryId} makes a second delivery of it harmless.
     */
    record NodeEvent(String deliveryId, AuditEvent event) implements Evidence {
        public NodeEvent {
            java.util.Objects.requireNonNull(deliveryId, "deliveryId");
            java.util.Objects.requireNonNull(event, "event");
        }

        @Override
        public String sessionId() {
            return event.sessionId();
        }
    }

    /** A sealed asciicast chunk; {@code text} is its output as plain text for full-text search. */
    record Chunk(String sessionId, int index, byte[] content, String text) implements Evidence {
        public String key() {
            return chunkKey(sessionId, index);
        }
    }

    /**
     * A command line found in the session, at a time offset from its start; {@code disagrees} when the typed and the
     * terminal readings of that line differed (both are then stored).
     */
    record Command(String sessionId, int seq, long offsetMillis, String line, String source, boolean disagrees)
            implements Evidence {
    }

    /** The session ended ({@code status} ended) or was found unfinished after a crash ({@code interrupted}). */
    record Closed(String sessionId, SessionEnd end, String status, int chunks, long outputBytes) implements Evidence {
    }

    /** At start: sessions this recorder left running (it crashed) are to be marked interrupted. */
    record Interrupted(String recorderId) implements Evidence {
        @Override
        public String sessionId() {
            return null;
        }
    }

    /** The blob key of a session's chunk. */
    static String chunkKey(String sessionId, int index) {
        return "sessions/" + sessionId + "/" + String.format("%08d", index) + ".cast";
    }
}
