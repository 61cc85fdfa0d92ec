package dev.gatehouse.audit.search;

/** A command line of a session, at its offset from the session's start (for the console to jump to). */
public record CommandHit(String sessionId, int seq, long offsetMillis, String line, String source) {
}
