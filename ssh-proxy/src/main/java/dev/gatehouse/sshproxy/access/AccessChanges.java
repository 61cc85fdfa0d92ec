package dev.gatehouse.sshproxy.access;

import java.util.Map;
import java.util.Objects;

/**
 * The people whose access may have shrunk since a revision, and why (a key removed, the person disabled, a role
 * changed). The bastion re-checks only their live connections; {@code everyone} asks it to re-check all of them (the
 * list was too long, or older changes were already pruned).
 *
 * @param revision what to pass to {@link AccessDecider#changesSince} next time
 * @param people username to the reason of their latest change, in words the person may read
 * @param everyone whether every live connection must be re-checked
 */
public record AccessChanges(long revision, Map<String, String> people, boolean everyone) {

    /** Said to a person whose connection ends when no change names them (an {@code everyone} re-check). */
    public static final String UNSPECIFIED = "access changed";

    public AccessChanges {
        people = Map.copyOf(Objects.requireNonNull(people, "people"));
    }

    /** Nothing changed since {@code revision}. */
    public static AccessChanges none(long revision) {
        return new AccessChanges(revision, Map.of(), false);
    }

    /** Whether {@code username}'s live connections must be re-checked. */
    public boolean concerns(String username) {
        return everyone || people.containsKey(username);
    }

    /** Why {@code username}'s access changed, for the message that ends their session. */
    public String reasonFor(String username) {
        return people.getOrDefault(username, UNSPECIFIED);
    }
}
