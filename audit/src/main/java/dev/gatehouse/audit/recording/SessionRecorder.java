package dev.gatehouse.audit.recording;

/**
 * The bastion's way into the audit store: one {@link SessionRecording} per session. Implementations never block the
 * caller; see the module README for the back-pressure policy.
 */
public interface SessionRecorder {

    /** Starts recording a session; the returned recording takes that session's frames. */
    SessionRecording open(SessionStart start);

    /**
     * Whether a new session can be recorded right now (false when the spool cannot accept more). The bastion's
     * {@code fail-mode: closed} refuses new sessions while this is false.
     */
    default boolean accepting() {
        return true;
    }

    /** Why new sessions cannot be recorded now, in words for the refused user; null while {@link #accepting()}. */
    default String unavailable() {
        return accepting() ? null : "recording is unavailable";
    }
}
