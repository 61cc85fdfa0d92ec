package dev.gatehouse.audit.search;

/**
 * A command line of a session, at its offset from the session's start (for the console to jump to). {@code source}
 * says where it was read ({@code typed}, {@code terminal}, {@code osc133}, both joined by {@code +} when they agreed,
 * {@code exec}, {@code bastion}); {@code disagrees} marks a line whose typed and terminal readings differed.
 */
public record CommandHit(String sessionId, int seq, long offsetMillis, String line, String source, boolean disagrees) {
}
