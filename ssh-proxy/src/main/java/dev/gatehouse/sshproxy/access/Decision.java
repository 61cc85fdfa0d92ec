package dev.gatehouse.sshproxy.access;

import java.util.Objects;

/** The control plane's answer to a question: allowed with a value, or denied with a reason the user may read. */
public sealed interface Decision<T> {

    static <T> Decision<T> allow(T value) {
        return new Allowed<>(value);
    }

    static <T> Decision<T> deny(String reason) {
        return new Denied<>(reason);
    }

    /** Access granted; {@code value} is what was granted. */
    record Allowed<T>(T value) implements Decision<T> {
        public Allowed {
            Objects.requireNonNull(value, "value");
        }
    }

    /** Access refused; {@code reason} is shown to the user and recorded, so it names no secret. */
    record Denied<T>(String reason) implements Decision<T> {
        public Denied {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
