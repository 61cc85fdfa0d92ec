package dev.gatehouse.audit.recording;

import java.time.Instant;
import java.util.Objects;

/**
 * What the bastion knows when a session opens. {@code sessionId} must be unique (a UUID): a reused id cannot start a
 * second chain and its evidence would be refused as already stored. {@code command} is the exec command line (null for shells);
 * {@code term}, {@code cols}, {@code rows} describe the pty (null/0 without one).
 */
public record SessionStart(String sessionId, String user, String login, String host, String network,
        String sourceAddress, SessionKind kind, String term, int cols, int rows, Instant startedAt, String command) implements java.io.Serializable {

    public SessionStart {
        Objects.requireNonNull(sessionId, "sessionId");
        if (sessionId.isBlank() || sessionId.length() > 128 || !sessionId.matches("[A-Za-z0-9._:-]+")) {
            throw new IllegalArgumentException("sessionId must be 1..128 of [A-Za-z0-9._:-], was: " + sessionId);
        }
        Objects.requireNonNull(user, "user");
        // What the client sent may contain NUL, which PostgreSQL text cannot store.
        user = noNul(user);
        login = noNul(login);
        host = noNul(host);
        network = noNul(network);
        sourceAddress = noNul(sourceAddress);
        term = noNul(term);
        command = noNul(command);
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(startedAt, "startedAt");
        cols = Math.max(0, cols);
        rows = Math.max(0, rows);
    }

    private static String noNul(String s) {
        return s == null ? null : s.replace('\0', '\uFFFD');
    }

    /** A shell session with a pty, started now: the common case, handy in tests. */
    public static SessionStart shell(String sessionId, String user, String login, String host, int cols, int rows) {
        return new SessionStart(sessionId, user, login, host, "direct", null, SessionKind.SHELL, "xterm-256color",
                cols, rows, Instant.now(), null);
    }
}
