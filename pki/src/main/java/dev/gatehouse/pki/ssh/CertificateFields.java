package dev.gatehouse.pki.ssh;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/** Validation shared by the certificate requests: every text that ends up inside a certificate is checked here. */
final class CertificateFields {

    /** Far beyond any sane name, short enough that a hostile request cannot bloat a certificate. */
    static final int MAX_TEXT_CHARS = 1024;
    static final int MAX_PRINCIPALS = 256;

    private CertificateFields() {
    }

    static String text(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        if (value.length() > MAX_TEXT_CHARS) {
            throw new IllegalArgumentException(what + " has " + value.length() + " characters; at most "
                    + MAX_TEXT_CHARS + " are allowed");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(what + " contains a control character");
        }
        return value;
    }

    /** An empty principal list would make OpenSSH accept the certificate for every login, so it is refused. */
    static List<String> principals(Collection<String> principals) {
        Objects.requireNonNull(principals, "principals");
        if (principals.isEmpty()) {
            throw new IllegalArgumentException("a certificate needs at least one principal; an empty list would be"
                    + " valid for any principal");
        }
        if (principals.size() > MAX_PRINCIPALS) {
            throw new IllegalArgumentException("a certificate may name at most " + MAX_PRINCIPALS + " principals");
        }
        for (String principal : principals) {
            text(principal, "principal");
            if (principal.contains(",") || principal.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("principal '" + principal + "' contains a comma or white space");
            }
        }
        return List.copyOf(principals);
    }

    /** OpenSSH requires options and extensions in lexical order, hence the sorted copy. */
    static SortedMap<String, String> options(Map<String, String> options, String what) {
        Objects.requireNonNull(options, what);
        SortedMap<String, String> sorted = new TreeMap<>();
        options.forEach((name, value) -> {
            text(name, what + " name");
            if (value == null || (!value.isEmpty() && value.chars().anyMatch(Character::isISOControl))) {
                throw new IllegalArgumentException(what + " '" + name + "' has a missing or unprintable value");
            }
            sorted.put(name, value);
        });
        return Collections.unmodifiableSortedMap(sorted);
    }

    static Duration validity(Duration validity) {
        Objects.requireNonNull(validity, "validity");
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive, got " + validity);
        }
        return validity;
    }
}
