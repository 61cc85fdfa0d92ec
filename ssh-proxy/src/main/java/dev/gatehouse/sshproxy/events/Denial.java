package dev.gatehouse.sshproxy.events;

import java.util.Objects;

/**
 * A refusal the user saw: what was asked and why it was refused.
 *
 * @param username the gateway user, or the SSH user name when authentication failed
 * @param source the client's address
 * @param request what was asked, e.g. {@code login root@web-01}, {@code forward db:5432}, {@code auth publickey}
 * @param reason the reason shown to the user
 */
public record Denial(String username, String source, String request, String reason) {
    public Denial {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(reason, "reason");
    }
}
