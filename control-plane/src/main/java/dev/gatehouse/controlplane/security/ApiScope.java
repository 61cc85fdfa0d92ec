package dev.gatehouse.controlplane.security;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What an API caller may do: {@code admin} changes anything; {@code auditor} reads. */
public enum ApiScope {
    ADMIN,
    AUDITOR;

    /** The name used in JSON and the database: {@code admin}, {@code auditor}. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ApiScope fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    String authority() {
        return "ROLE_" + name();
    }
}
