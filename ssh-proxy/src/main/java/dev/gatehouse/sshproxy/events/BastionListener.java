package dev.gatehouse.sshproxy.events;

/**
 * What happens on the bastion, as events: the audit adapter and metrics listen here, so the data path carries no
 * audit calls. Called from I/O and relay threads: implementations return quickly and never block on storage.
 */
public interface BastionListener {

    /** A refused authentication, login, forward or request; {@code session} is null before a session exists. */
    default void denied(SessionInfo session, Denial denial) {
    }

    default void sessionStarted(SessionInfo session) {
    }

    /** An exec request ({@code ssh host cmd}, {@code scp -t}, rsync's server side). */
    default void commandStarted(SessionInfo session, String command) {
    }

    default void shellStarted(SessionInfo session, String term, int columns, int rows) {
    }

    /** Terminal output of a pty channel, in order; {@code data} is only valid during the call. */
    default void output(SessionInfo session, byte[] data, int offset, int length) {
    }

    default void resized(SessionInfo session, int columns, int rows) {
    }

    /** A channel's program ended: exit status, or the signal that killed it (the other is null). */
    default void commandEnded(SessionInfo session, Integer exitStatus, String exitSignal) {
    }

    default void flow(SessionInfo session, FlowRecord flow) {
    }

    default void sessionEnded(SessionInfo session, String reason) {
    }
}
