package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.server.BastionConfig;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.session.ServerSession;

/**
 * Chooses what a session channel runs: the relay to the target, the menu when no target was named, or, for a shell
 * request, the person's detached session on that login and host (the menu when there are several), or word of the
 * other gateway node that keeps it.
 */
public final class SessionCommands {

    private final TargetSessions sessions;
    private final AccessDecider decider;
    private final BastionConfig config;
    private final IntSupplier port;

    public SessionCommands(TargetSessions sessions, AccessDecider decider, BastionConfig config, IntSupplier port) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.decider = Objects.requireNonNull(decider, "decider");
        this.config = Objects.requireNonNull(config, "config");
        this.port = Objects.requireNonNull(port, "port");
    }

    public Command shell(ChannelSession channel) {
        return create(channel, null);
    }

    public Command exec(ChannelSession channel, String commandLine) {
        return create(channel, commandLine);
    }

    private Command create(ChannelSession channel, String commandLine) {
        ServerSession session = channel.getSession();
        GatewayUser user = session.getAttribute(SessionKeys.USER);
        TargetConnection connection = sessions.connectionFor(session);
        if (connection == null) {
            return menu(sessions.detached().of(user.username()), null);
        }
        // A shell asked for on a connection not yet logged in: the person's detached session there carries on.
        if (commandLine == null && !connection.route().fresh() && connection.info() == null) {
            List<DetachedSessions.Held> detached = sessions.detached().of(user.username(),
                    connection.route().login(), connection.route().host());
            if (detached.size() == 1) {
                return new ReattachCommand(sessions, detached.get(0));
            }
            if (detached.size() > 1) {
                return menu(detached, connection.route());
            }
            var elsewhere = decider.detachedElsewhere(user, connection.route().login(), connection.route().host());
            if (elsewhere.isPresent()) {
                return new HeldElsewhereCommand(sessions, connection, elsewhere.get());
            }
        }
        return new RelayCommand(sessions, config, commandLine);
    }

    private MenuCommand menu(List<DetachedSessions.Held> detached, Route.ToTarget only) {
        return new MenuCommand(decider, config.hostNames().get(0), port.getAsInt(), new MenuCommand.MenuChoice() {
            @Override
            public BastionCommand connect(ChannelSession channel, Route.ToTarget route) {
                sessions.choose(channel.getSession(), route);
                return new RelayCommand(sessions, config, null);
            }

            @Override
            public BastionCommand reattach(ChannelSession channel, DetachedSessions.Held held) {
                return new ReattachCommand(sessions, held);
            }
        }, detached, only);
    }
}
