package dev.gatehouse.audit.events;

import java.util.HexFormat;

/**
 * An event as stored: its position in the global chain ({@code id}), the chain hashes, and, for events recorded
 * within a session, its place in that session's own chain ({@code sessionSeq} is null otherwise).
 */
public record StoredAuditEvent(long id, AuditEvent event, byte[] prevHash, byte[] hash, Long sessionSeq,
        byte[] sessionHash) {

    /** The global chain hash as lowercase hex. */
    public String hashHex() {
        return HexFormat.of().formatHex(hash);
    }
}
