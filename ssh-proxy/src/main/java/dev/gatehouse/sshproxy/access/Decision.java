package dev.gatehouse.sshproxy.access;

import java.util.Objects;

/** The control plane's answer to a question: allowed with a value, or denied with a reason the user may read. */
public sealed interface Decision<T> {

    static <T> Decision<T> allow(T value) {
        return new Allowed<>(value);
    }

    static <T> Decision<T> deny(String reason) {
        return new Denied<>(reason, false);
    }

    /**
     * No answer can be had now (a bastion node's control plane is away): refused like a denial, but it is not the
     * person's failed attempt, and the reason is told to the client even before it has logged in.
     */
    static <T> Decision<T> unavailable(String reason) {
        return new Denied<>(reason, true);
    }

    /** Access granted; {@code value} is what was granted. */
    record Allowed<T>(T value) implements Decision<T> {
        public Allowed {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * Access refused; {@code reason} is shown to the user and recorded, so it names no secret. {@code unavailable}:
     * refused because no decision could be had, see {@link #unavailable}.
     */
    record Denied<T>(String reason, boolean unavailable) implements Decision<T> {
        public Denied {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
