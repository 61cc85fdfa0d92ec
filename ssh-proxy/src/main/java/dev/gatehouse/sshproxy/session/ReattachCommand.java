package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.events.Detachment;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.session.ServerSession;

/**
 * A new connection's shell request carrying on a detached session of the same person on the same login and host:
 * one line saying so, the output kept while away, the new window size, and the shell goes on.
 */
final class ReattachCommand extends BastionCommand {

    static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());

    private final TargetSessions sessions;
    private final DetachedSessions.Held held;

    ReattachCommand(TargetSessions sessions, DetachedSessions.Held held) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.held = Objects.requireNonNull(held, "held");
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        Thread.ofVirtual().name("reattach-" + channel.getChannelId()).start(() -> run(channel, env));
    }

    private void run(ChannelSession channel, Environment env) {
        boolean pty = env.getEnv().containsKey(Environment.ENV_TERM);
        if (!sessions.detached().claim(held)) {
            refuse("your detached session on " + held.connection().route().login() + "@"
                    + held.connection().route().host() + " ended meanwhile; connect again for a new one", pty);
            return;
        }
        ServerSession next = channel.getSession();
        TargetConnection connection = held.connection();
        Duration away = Duration.between(held.detachedAt(), Instant.now());
        connection.reattached(next);
        RelayCommand.listenForSignals(env, held.leg().relay());
        if (!held.leg().attach(ClientLeg.Attachment.of(channel, in, err, exit, pty), greeting(away))) {
            connection.close("the re-attaching connection went away too");
            return;
        }
        sessions.listener().detachment(held.activity(),
                new Detachment(Detachment.Kind.REATTACHED, SessionKeys.source(next), away));
        if (pty) {
            held.leg().relay().windowChanged(RelayCommand.number(env, Environment.ENV_COLUMNS),
                    RelayCommand.number(env, Environment.ENV_LINES));
        }
    }

    private String greeting(Duration away) {
        return "re-attached to your session from " + CLOCK.format(held.activity().startedAt()) + ", detached "
                + describe(away) + " ago";
    }

    static String describe(Duration away) {
        long seconds = Math.max(0, away.toSeconds());
        return seconds < 120 ? seconds + " s" : seconds < 7200 ? seconds / 60 + " min" : seconds / 3600 + " h";
    }

    @Override
    public void destroy(ChannelSession channel) {
        held.leg().lost(channel);
    }
}
