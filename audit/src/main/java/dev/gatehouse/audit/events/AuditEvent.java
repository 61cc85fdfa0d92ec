package dev.gatehouse.audit.events;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One thing that happened: who ({@code actor}) did what ({@code type}) to what ({@code target}), with which outcome.
 *
 * <p>Values are normalised on construction so that what is hashed is exactly what PostgreSQL gives back: the time is
 * truncated to microseconds, text loses NUL characters and unpaired surrogates, and {@code details} is reduced to
 * plain JSON values (maps with string keys, lists, strings, numbers, booleans, null).
 */
public record AuditEvent(
        String type,
        Instant time,
        String actor,
        String sourceAddress,
        String target,
        String outcome,
        String sessionId,
        Map<String, Object> details) implements java.io.Serializable {

    public static final String SUCCESS = "success";
    public static final String DENIED = "denied";
    public static final String FAILURE = "failure";
    private static final Set<String> OUTCOMES = Set.of(SUCCESS, DENIED, FAILURE);
    private static final int MAX_TYPE = 100;

    public AuditEvent {
        type = Text.clean(Objects.requireNonNull(type, "type"));
        if (type.isBlank() || type.length() > MAX_TYPE) {
            throw new IllegalArgumentException("event type must be 1.." + MAX_TYPE + " characters, was: " + type);
        }
        time = Objects.requireNonNull(time, "time").truncatedTo(ChronoUnit.MICROS);
        actor = Text.clean(Objects.requireNonNull(actor, "actor"));
        sourceAddress = Text.cleanNullable(sourceAddress);
        target = Text.cleanNullable(target);
        Objects.requireNonNull(outcome, "outcome");
        if (!OUTCOMES.contains(outcome)) {
            throw new IllegalArgumentException("outcome must be one of " + OUTCOMES + ", was: " + outcome);
        }
        sessionId = Text.cleanNullable(sessionId);
        details = CanonicalJson.normalise(details == null ? Map.of() : details);
    }

    /** Starts an event of this type, at the current time, with outcome {@code success} and actor {@code system}. */
    public static Builder builder(String type) {
        return new Builder(type);
    }

    /** A copy of this event with its details replaced. */
    public AuditEvent withDetails(Map<String, Object> newDetails) {
        return new AuditEvent(type, time, actor, sourceAddress, target, outcome, sessionId, newDetails);
    }

    /** Fluent construction; {@link #build()} validates. */
    public static final class Builder {
        private final String type;
        private Instant time;
        private String actor = "system";
        private String sourceAddress;
        private String target;
        private String outcome = SUCCESS;
        private String sessionId;
        private final Map<String, Object> details = new LinkedHashMap<>();

        private Builder(String type) {
            this.type = type;
        }

        public Builder time(Instant value) {
            this.time = value;
            return this;
        }

        public Builder actor(String value) {
            this.actor = value;
            return this;
        }

        public Builder sourceAddress(String value) {
            this.sourceAddress = value;
            return this;
        }

        public Builder target(String value) {
            this.target = value;
            return this;
        }

        public Builder outcome(String value) {
            this.outcome = value;
            return this;
        }

        public Builder success() {
            return outcome(SUCCESS);
        }

        public Builder denied() {
            return outcome(DENIED);
        }

        public Builder failure() {
            return outcome(FAILURE);
        }

        public Builder sessionId(String value) {
            this.sessionId = value;
            return this;
        }

        /** Adds one detail; a null value is kept as JSON null. */
        public Builder detail(String key, Object value) {
            details.put(Objects.requireNonNull(key, "detail key"), value);
            return this;
        }

        public Builder details(Map<String, ?> values) {
            details.putAll(values);
            return this;
        }

        /** Admin changes: the state before and after (either may be null for create/delete). */
        public Builder change(Object before, Object after) {
            details.put("before", before);
            details.put("after", after);
            return this;
        }

        public AuditEvent build() {
            return new AuditEvent(type, time == null ? Instant.now() : time, actor, sourceAddress, target, outcome,
                    sessionId, details);
        }
    }
}
