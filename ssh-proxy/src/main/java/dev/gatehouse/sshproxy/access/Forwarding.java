package dev.gatehouse.sshproxy.access;

/**
 * What a person may forward inside a session on a target, as the roles granting that login there allow: port
 * forwards the target opens ({@code -L}, {@code -D}, {@code -W}), remote forwards ({@code -R}) and agent forwarding
 * ({@code -A}). The upstream certificate carries only the matching extensions.
 */
public record Forwarding(boolean port, boolean remote, boolean agent) {

    /** Nothing forwarded: the default for a grant that says nothing about forwarding. */
    public static final Forwarding NONE = new Forwarding(false, false, false);
}
