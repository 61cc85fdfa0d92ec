package dev.gatehouse.audit.search;

import java.time.Instant;
import java.util.List;

/**
 * One session as listed; {@code matches} are the commands that matched the query's text (empty otherwise); {@code node}
 * is the id of the gateway node that recorded it (its {@code <data-dir>/node-id}).
 */
public record SessionSummary(String sessionId, String user, String login, String host, String network,
        String sourceAddress, String kind, Instant startedAt, Instant endedAt, String status, Integer exitStatus,
        String exitSignal, int chunks, long outputBytes, List<CommandHit> matches, String node) {

    /** This running session as one whose engineer's connection is lost and that waits for re-attach. */
    public SessionSummary detached() {
        return new SessionSummary(sessionId, user, login, host, network, sourceAddress, kind, startedAt, endedAt,
                "detached", exitStatus, exitSignal, chunks, outputBytes, matches, node);
    }

    /** The keyset cursor of this row: pass it as {@link SessionQuery#after()} to continue after it. */
    public String cursor() {
        return startedAt.toString() + "|" + sessionId;
    }
}
