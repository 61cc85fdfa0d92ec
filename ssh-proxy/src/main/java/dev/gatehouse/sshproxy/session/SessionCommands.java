package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.server.BastionConfig;
import java.util.Objects;
import java.util.function.IntSupplier;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/** Chooses what a session channel runs: the relay to the target, or the menu when no target was named. */
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
        if (sessions.connectionFor(channel.getSession()) == null) {
            return new MenuCommand(decider, config.hostNames().get(0), port.getAsInt(), (ch, route) -> {
                sessions.choose(ch.getSession(), route);
                return new RelayCommand(sessions, config, null);
            });
        }
        return new RelayCommand(sessions, config, commandLine);
    }
}
