package dev.gatehouse.audit.search;

import java.time.Instant;

/**
 * Filters for {@link SessionSearch#search}; null means "any". {@code text} matches words of the session's commands or
 * output (PostgreSQL full-text search, 'simple' configuration). Results are newest first; pass the last result's
 * {@link SessionSummary#cursor()} as {@code after} for the next page.
 */
public record SessionQuery(String user, String host, String login, Instant from, Instant to, String status,
        String text, int limit, String after) {

    public static final int MAX_LIMIT = 500;

    public SessionQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", was " + limit);
        }
        if (status != null && !status.matches("running|ended|interrupted")) {
            throw new IllegalArgumentException("status must be running, ended or interrupted, was: " + status);
        }
        if (from != null && to != null && to.isBefore(from)) {
            throw new IllegalArgumentException("'to' (" + to + ") is before 'from' (" + from + ")");
        }
        if (text != null && text.isBlank()) {
            text = null;
        }
    }

    /** Everything, 50 per page. */
    public static SessionQuery all() {
        return new SessionQuery(null, null, null, null, null, null, null, 50, null);
    }

    public SessionQuery withText(String value) {
        return new SessionQuery(user, host, login, from, to, status, value, limit, after);
    }

    public SessionQuery withUser(String value) {
        return new SessionQuery(value, host, login, from, to, status, text, limit, after);
    }

    public SessionQuery withHost(String value) {
        return new SessionQuery(user, value, login, from, to, status, text, limit, after);
    }

    public SessionQuery withStatus(String value) {
        return new SessionQuery(user, host, login, from, to, value, text, limit, after);
    }

    public SessionQuery withPage(int size, String cursor) {
        return new SessionQuery(user, host, login, from, to, status, text, size, cursor);
    }
}
