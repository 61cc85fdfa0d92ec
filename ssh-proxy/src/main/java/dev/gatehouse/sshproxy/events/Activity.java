package dev.gatehouse.sshproxy.events;

import java.time.Instant;
import java.util.Objects;

/**
 * One channel of a gateway session (a shell, an exec, an SFTP subsystem, a forwarded flow): the unit the recorder
 * records. The first activity of a session carries the session's id; later ones (multiplexed channels) add
 * {@code .N}.
 *
 * @param id the recording's id
 * @param session the gateway session the channel belongs to
 * @param kind what the channel does
 * @param command the exec command line, or null
 * @param term the pty's terminal type, or null without a pty
 * @param columns pty width (0 without one)
 * @param rows pty height (0 without one)
 * @param startedAt when the channel started
 */
public record Activity(String id, SessionInfo session, Kind kind, String command, String term, int columns, int rows,
                       Instant startedAt) {

    /** What a channel does. */
    public enum Kind { SHELL, EXEC, SFTP, FORWARD }

    public Activity {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(startedAt, "startedAt");
    }
}
