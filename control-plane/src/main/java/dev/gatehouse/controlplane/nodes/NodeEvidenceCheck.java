package dev.gatehouse.controlplane.nodes;

import dev.gatehouse.audit.recording.Evidence;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What a bastion node may hand in as evidence: the records of sessions it opened itself (a session's recorder is the
 * node's certified name) and the bastion's own {@code ssh.*} events. So a node whose certificate was stolen cannot add
 * to another node's sessions, mark them interrupted, open a session in another node's name, or write an event that
 * looks like an admin's change. Everything else a node sends (what happened on its own sessions) is its to tell.
 */
final class NodeEvidenceCheck {

    /** The recorder (node name) that opened a stored session, if the session is stored. */
    private final Function<String, Optional<String>> recorderOf;

    NodeEvidenceCheck(Function<String, Optional<String>> recorderOf) {
        this.recorderOf = Objects.requireNonNull(recorderOf, "recorderOf");
    }

    /** Reads the recorder of a session from the audit store's session index. */
    static NodeEvidenceCheck against(JdbcClient jdbc) {
        return new NodeEvidenceCheck(session -> jdbc.sql("SELECT recorder_id FROM audit_sessions WHERE session_id = ?")
                .param(session).query(String.class).optional());
    }

    /** Why {@code node} may not store {@code batch}, or null when it may. */
    String refusal(String node, List<Evidence> batch) {
        Set<String> openedHere = new HashSet<>();
        Map<String, Boolean> stored = new HashMap<>();
        for (Evidence item : batch) {
            String refusal = switch (item) {
                case Evidence.Opened opened -> {
                    openedHere.add(opened.sessionId());
                    yield node.equals(opened.recorderId()) ? null
                            : "it opens session " + opened.sessionId() + " as recorder " + opened.recorderId();
                }
                case Evidence.Interrupted interrupted -> node.equals(interrupted.recorderId()) ? null
                        : "it marks the sessions of recorder " + interrupted.recorderId() + " interrupted";
                case Evidence.NodeEvent event -> event.event().type().startsWith("ssh.") ? null
                        : "it holds an event of type " + event.event().type() + " (a node sends ssh.* events only)";
                default -> {
                    String session = item.sessionId();
                    if (session == null) {
                        yield "it holds evidence outside any session";
                    }
                    boolean own = openedHere.contains(session) || stored.computeIfAbsent(session,
                            s -> recorderOf.apply(s).map(node::equals).orElse(false));
                    yield own ? null : "it adds to session " + session + ", which this node did not open";
                }
            };
            if (refusal != null) {
                return refusal;
            }
        }
        return null;
    }
}
