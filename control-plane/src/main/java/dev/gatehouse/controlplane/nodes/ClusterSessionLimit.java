package dev.gatehouse.controlplane.nodes;

import dev.gatehouse.sshproxy.access.AccessChanges;
import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.ForwardRoute;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.access.HostAndPort;
import dev.gatehouse.sshproxy.access.Reachable;
import dev.gatehouse.sshproxy.access.Target;
import java.security.PublicKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code gatehouse.ssh.max-sessions-per-user} across every bastion node: a login is refused while the person already
 * has that many sessions running anywhere, as the recordings the nodes delivered show them (a session a node has not
 * delivered yet is not counted; each node still applies the limit to its own sessions at once).
 */
final class ClusterSessionLimit implements AccessDecider {

    private final AccessDecider decider;
    private final JdbcClient jdbc;
    private final int maxSessionsPerUser;

    ClusterSessionLimit(AccessDecider decider, JdbcClient jdbc, int maxSessionsPerUser) {
        this.decider = Objects.requireNonNull(decider, "decider");
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        this.maxSessionsPerUser = maxSessionsPerUser;
    }

    @Override
    public Decision<Target> authorizeLogin(GatewayUser user, String login, String host) {
        Decision<Target> decision = decider.authorizeLogin(user, login, host);
        if (decision instanceof Decision.Allowed<Target>) {
            long running = jdbc.sql("SELECT count(*) FROM audit_sessions WHERE username = ? AND status = 'running'")
                    .param(user.username()).query(Long.class).single();
            if (running >= maxSessionsPerUser) {
                return Decision.deny("too many concurrent sessions: " + user.username() + " has " + running
                        + " running across the gateway nodes (at most " + maxSessionsPerUser + ")");
            }
        }
        return decision;
    }

    /** A live session is already counted: only the person's access decides. */
    @Override
    public Decision<Target> recheckLogin(GatewayUser user, String login, String host) {
        return decider.authorizeLogin(user, login, host);
    }

    @Override
    public Decision<GatewayUser> authenticate(PublicKey key) {
        return decider.authenticate(key);
    }

    @Override
    public Decision<ForwardRoute> authorizeForward(GatewayUser user, Optional<Target> via, HostAndPort destination) {
        return decider.authorizeForward(user, via, destination);
    }

    @Override
    public List<PublicKey> hostCertificateAuthorities() {
        return decider.hostCertificateAuthorities();
    }

    @Override
    public List<Reachable> reachable(GatewayUser user) {
        return decider.reachable(user);
    }

    @Override
    public AccessChanges changesSince(long revision) {
        return decider.changesSince(revision);
    }

    @Override
    public boolean learnHostKey(String targetName, PublicKey hostKey) {
        return decider.learnHostKey(targetName, hostKey);
    }
}
