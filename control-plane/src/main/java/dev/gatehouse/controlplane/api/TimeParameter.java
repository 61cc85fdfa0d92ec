package dev.gatehouse.controlplane.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** A time in a query parameter ({@code from}, {@code to}): ISO-8601, refused with a 400 naming the parameter. */
public final class TimeParameter {

    private TimeParameter() {}

    /** The instant in {@code value}, or null when the parameter is absent. */
    public static Instant parse(String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(field, "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }
}
