package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.access.HeldElsewhere;
import dev.gatehouse.sshproxy.events.Denial;
import java.util.Objects;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.channel.ChannelSession;

/**
 * A shell asked for where the person's detached session for that login and host is kept by another gateway node: the
 * re-attach cannot happen here, so nothing is started; the person is told which node holds it and how to get a fresh
 * shell instead, and the refusal is audited ({@code ssh.reattach.denied}).
 */
final class HeldElsewhereCommand extends BastionCommand {

    private final TargetSessions sessions;
    private final TargetConnection connection;
    private final HeldElsewhere elsewhere;

    HeldElsewhereCommand(TargetSessions sessions, TargetConnection connection, HeldElsewhere elsewhere) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.connection = Objects.requireNonNull(connection, "connection");
        this.elsewhere = Objects.requireNonNull(elsewhere, "elsewhere");
    }

    /** The one line the person reads. */
    static String message(Route.ToTarget route, HeldElsewhere elsewhere) {
        String target = route.login() + "@" + route.host();
        return "your detached session on " + target + " from " + ReattachCommand.CLOCK.format(elsewhere.detachedAt())
                + " is held by gateway node " + elsewhere.node() + "; connect again through that node to re-attach,"
                + " or ask for a fresh shell with " + route.login() + Route.FRESH_SUFFIX + "@" + route.host();
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        Route.ToTarget route = connection.route();
        String reason = message(route, elsewhere);
        sessions.listener().denied(null, new Denial(connection.user().username(), connection.source(),
                "reattach " + route.login() + "@" + route.host(), reason));
        refuse(reason, env.getEnv().containsKey(Environment.ENV_TERM));
    }

    @Override
    public void destroy(ChannelSession channel) {
        // nothing was started
    }
}
