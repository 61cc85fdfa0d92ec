package dev.gatehouse.audit.verify;

/**
 * One place where the evidence does not check out. Exactly one of {@code eventId}, {@code chunkIndex} (with its
 * session) or {@code checkpointSeq} locates it.
 */
public record BrokenLink(String kind, Long eventId, String sessionId, Integer chunkIndex, Long checkpointSeq,
        String problem) {

    static BrokenLink event(long id, String sessionId, String problem) {
        return new BrokenLink("event", id, sessionId, null, null, problem);
    }

    static BrokenLink chunk(String sessionId, int index, String problem) {
        return new BrokenLink("chunk", null, sessionId, index, null, problem);
    }

    static BrokenLink checkpoint(long seq, String problem) {
        return new BrokenLink("checkpoint", null, null, null, seq, problem);
    }

    /** One line for people: "event 42 (session s-1): content does not match its hash". */
    public String describe() {
        return switch (kind) {
            case "event" -> "event " + eventId + (sessionId == null ? "" : " (session " + sessionId + ")") + ": "
                    + problem;
            case "chunk" -> "session " + sessionId + " chunk " + chunkIndex + ": " + problem;
            default -> "checkpoint " + checkpointSeq + ": " + problem;
        };
    }
}
