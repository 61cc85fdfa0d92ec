package dev.gatehouse.sshproxy.events;

import java.time.Instant;
import java.util.Objects;

/**
 * One gateway session: a person logged in as {@code login} on {@code targetName} through this bastion.
 *
 * @param sessionId the id the user certificate's key id and every event carry
 * @param username the gateway user (the person)
 * @param login the account on the target
 * @param targetName the target's inventory name ({@code -} for a connection that only forwards)
 * @param network the network the target is in
 * @param source the client's address as {@code host:port}
 * @param startedAt when the upstream login succeeded
 */
public record SessionInfo(String sessionId, String username, String login, String targetName, String network,
                          String source, Instant startedAt) {
    public SessionInfo {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(targetName, "targetName");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(startedAt, "startedAt");
    }
}
