package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.events.AuditEvent;

/** The audit events for SFTP operations and forwarded flows, named and shaped alike everywhere. */
final class SessionEvents {

    private SessionEvents() {
    }

    static AuditEvent sftp(SessionStart s, SftpOperation op) {
        return AuditEvent.builder("sftp." + op.op()).actor(s.user()).sourceAddress(s.sourceAddress())
                .target(op.path()).sessionId(s.sessionId()).outcome(op.outcome())
                .detail("host", s.host()).detail("login", s.login()).detail("newPath", op.newPath())
                .detail("bytes", op.bytes()).detail("sha256", op.sha256()).detail("error", op.error()).build();
    }

    static AuditEvent flow(SessionStart s, ForwardFlow f) {
        return AuditEvent.builder("forward." + f.kind()).actor(s.user()).sourceAddress(s.sourceAddress())
                .target(f.destination()).sessionId(s.sessionId()).outcome(f.outcome())
                .detail("originator", f.originator()).detail("bytesToTarget", f.bytesToTarget())
                .detail("bytesFromTarget", f.bytesFromTarget()).detail("durationMillis", f.duration().toMillis())
                .detail("network", f.network() == null ? s.network() : f.network()).build();
    }
}
