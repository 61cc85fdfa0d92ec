package dev.gatehouse.audit.chain;

/** The exact statements the audit key signs; verification rebuilds them the same way. */
public final class Checkpoints {

    private Checkpoints() {
    }

    /** A session chain checkpoint: "the session's chain up to link {@code seq} has hash {@code hashHex}". */
    public static String sessionStatement(String sessionId, long seq, String hashHex) {
        return "gatehouse.checkpoint.session.v1|" + sessionId + "|" + seq + "|" + hashHex;
    }

    /** A global chain checkpoint. */
    public static String globalStatement(long seq, String hashHex, String time) {
        return "gatehouse.checkpoint.global.v1|" + seq + "|" + hashHex + "|" + time;
    }
}
