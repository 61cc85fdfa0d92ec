package dev.gatehouse.sshproxy.events;

import dev.gatehouse.audit.recording.ForwardFlow;

/**
 * What happens on the bastion, as events: the audit adapter and metrics listen here, so the data path carries no
 * audit calls. Called from I/O and relay threads: implementations return quickly and never block on storage. Calls
 * for one activity come in order, from one thread at a time.
 */
public interface BastionListener {

    /** Whether new sessions can be recorded now; with fail-mode {@code closed} the bastion refuses them otherwise. */
    default boolean accepting() {
        return true;
    }

    /** Why new sessions cannot be recorded now, in words for the refused user; null while {@link #accepting()}. */
    default String unavailable() {
        return accepting() ? null : "recording is unavailable";
    }

    /** A refused authentication, login, forward or request; {@code session} is null before a session exists. */
    default void denied(SessionInfo session, Denial denial) {
    }

    /** {@code username} proved possession of a key the control plane knows. */
    default void authenticated(String username, String source, String keyFingerprint) {
    }

    /** The bastion logged in to the target for this session. */
    default void sessionStarted(SessionInfo session) {
    }

    default void activityStarted(Activity activity) {
    }

    /** What the user saw (pty output, or stdout without a pty); {@code data} is only valid during the call. */
    default void output(Activity activity, byte[] data, int offset, int length) {
    }

    /** What the program wrote to stderr; only valid during the call. */
    default void errorOutput(Activity activity, byte[] data, int offset, int length) {
    }

    /**
     * What the user sent: keystrokes on a pty (used to find shell command lines), stdin without one (a script fed to
     * {@code bash -s}, a file sent by scp); only valid during the call.
     */
    default void input(Activity activity, byte[] data, int offset, int length) {
    }

    /**
     * Runs {@code resume} once what this activity passed so far is recorded far enough that more may come: at once
     * normally, later (on another thread) while the recorder is behind. The relay opens an SSH window in it, so a slow
     * recorder holds the peer back instead of an I/O thread. Exactly once; {@code resume} must not block.
     */
    default void whenRecorded(Activity activity, Runnable resume) {
        resume.run();
    }

    default void resized(Activity activity, int columns, int rows) {
    }

    default void sftp(Activity activity, SftpEvent event) {
    }

    default void flow(Activity activity, ForwardFlow flow) {
    }

    /** The engineer's connection under a shell or command was lost, came back, or never did (see {@link Detachment}). */
    default void detachment(Activity activity, Detachment change) {
    }

    /** The channel ended: exit status, or the signal that killed the program (the other is null), and why. */
    default void activityEnded(Activity activity, Integer exitStatus, String exitSignal, String reason) {
    }

    default void sessionEnded(SessionInfo session, String reason) {
    }
}
