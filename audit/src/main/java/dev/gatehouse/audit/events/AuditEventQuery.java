package dev.gatehouse.audit.events;

import java.time.Instant;

/**
 * Filters for {@link PostgresAuditStore#search}; null means "any". Results come in id order (ascending unless
 * {@code newestFirst}); pass the last id seen as {@code afterId} to get the next page.
 */
public record AuditEventQuery(
        String type,
        String actor,
        String target,
        String sessionId,
        Instant from,
        Instant to,
        int limit,
        Long afterId,
        boolean newestFirst) {

    public static final int MAX_LIMIT = 1000;

    public AuditEventQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", was " + limit);
        }
        if (from != null && to != null && to.isBefore(from)) {
            throw new IllegalArgumentException("'to' (" + to + ") is before 'from' (" + from + ")");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fluent construction; defaults: everything, 100 per page, oldest first. */
    public static final class Builder {
        private String type;
        private String actor;
        private String target;
        private String sessionId;
        private Instant from;
        private Instant to;
        private int limit = 100;
        private Long afterId;
        private boolean newestFirst;

        public Builder type(String v) {
            type = v;
            return this;
        }

        public Builder actor(String v) {
            actor = v;
            return this;
        }

        public Builder target(String v) {
            target = v;
            return this;
        }

        public Builder sessionId(String v) {
            sessionId = v;
            return this;
        }

        public Builder from(Instant v) {
            from = v;
            return this;
        }

        public Builder to(Instant v) {
            to = v;
            return this;
        }

        public Builder limit(int v) {
            limit = v;
            return this;
        }

        public Builder afterId(Long v) {
            afterId = v;
            return this;
        }

        public Builder newestFirst(boolean v) {
            newestFirst = v;
            return this;
        }

        public AuditEventQuery build() {
            return new AuditEventQuery(type, actor, target, sessionId, from, to, limit, afterId, newestFirst);
        }
    }
}
