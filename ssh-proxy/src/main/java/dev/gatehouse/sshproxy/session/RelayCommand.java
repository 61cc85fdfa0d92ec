package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.events.Activity;
import dev.gatehouse.sshproxy.events.BastionListener;
import dev.gatehouse.sshproxy.events.Denial;
import dev.gatehouse.sshproxy.server.BastionConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.PtyChannelConfiguration;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shell or exec channel relayed to the same request on the target: pty, environment, window changes and signals go
 * up; stdout, stderr, EOF, exit status and exit signal come back, in the target's order. The relay is two objects: the
 * {@link TargetLeg} (the target's channel, its recording and the order of its output) and the {@link Attachment} (the
 * engineer's channel), so the engineer's end can be replaced while the target runs. Data is relayed event-driven, from
 * MINA's read callback on one leg into the other's non-blocking sender; a virtual thread only logs in and opens the
 * target's channel. Every stream goes to the listener, pty or not: without a pty stdin, stdout and stderr are the
 * evidence.
 */
final class RelayCommand extends BastionCommand {

    private static final Logger LOG = LoggerFactory.getLogger(RelayCommand.class);
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(15);

    private final TargetSessions sessions;
    private final BastionConfig config;
    private final String commandLine;
    private volatile TargetLeg leg;
    private volatile DetachableRelay relay;

    /** {@code commandLine} is null for a shell. */
    RelayCommand(TargetSessions sessions, BastionConfig config, String commandLine) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.config = Objects.requireNonNull(config, "config");
        this.commandLine = commandLine;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        boolean pty = env.getEnv().containsKey(Environment.ENV_TERM);
        Attachment attachment = new Attachment(channel, exit, pty);
        // From here on the client's input arrives in the read callback (after any bytes a menu left unread).
        drainPipedInput(attachment, channel);
        channel.setDataReceiver(attachment);
        Thread.ofVirtual().name("relay-open-" + channel.getChannelId()).start(() -> open(channel, env, attachment));
    }

    private void open(ChannelSession channel, Environment env, Attachment attachment) {
        boolean pty = env.getEnv().containsKey(Environment.ENV_TERM);
        TargetConnection connection = sessions.connectionFor(channel.getSession());
        ClientSession target;
        try {
            target = connection.open();
        } catch (AccessRefusedException e) {
            refuse(e.getMessage(), pty);
            return;
        }
        BastionListener listener = sessions.listener();
        boolean agent = channel instanceof GatewayChannelSession session && session.agentRequested();
        if (agent && !connection.target().forwarding().agent()) {
            String reason = "agent forwarding on " + connection.target().name() + " is not allowed: no role granting"
                    + " this login there allows agent forwarding";
            listener.denied(connection.info(), new Denial(connection.user().username(),
                    connection.source(), "agent forwarding", reason));
            tell(reason, pty, false);
            agent = false;
        }
        TargetLeg opened;
        try {
            opened = TargetLeg.open(target, commandLine, ptyConfig(env, pty), passedEnv(env), pty, agent,
                    OPEN_TIMEOUT);
        } catch (IOException e) {
            LOG.debug("opening the target channel failed", e);
            refuse("cannot open a channel on " + connection.info().targetName() + ": " + e.getMessage(), pty);
            return;
        }
        Activity info = connection.startActivity(commandLine == null ? Activity.Kind.SHELL : Activity.Kind.EXEC,
                commandLine, pty ? env.getEnv().get(Environment.ENV_TERM) : null,
                pty ? number(env, Environment.ENV_COLUMNS) : 0, pty ? number(env, Environment.ENV_LINES) : 0);
        leg = opened;
        DetachableRelay detachable = new DetachableRelay(opened);
        relay = detachable;
        Runnable notRelaying = connection.relaying(detachable, info);
        // Gateway notices go between whole writes of the target's own output.
        Runnable noTerminal = connection.addTerminal(opened::notice);
        opened.start(info, listener, attachment, () -> lostReason(target, connection), () -> {
            noTerminal.run();
            notRelaying.run();
        });
        listenForSignals(env, opened);
        attachment.connect(opened);
        if (!channel.isOpen() || channel.isClosing()) {
            opened.close(); // the client went while the target's channel was opening
        }
    }

    /** What to tell the person when the target's side ended without an exit (a tunnel broke for a known reason). */
    private String lostReason(ClientSession target, TargetConnection connection) {
        String lost = sessions.connector().lostReason(target);
        return lost == null ? null : "connection to " + connection.info().targetName() + " lost: " + lost;
    }

    private PtyChannelConfiguration ptyConfig(Environment env, boolean pty) {
        PtyChannelConfiguration ptyConfig = new PtyChannelConfiguration();
        if (pty) {
            ptyConfig.setPtyType(env.getEnv().get(Environment.ENV_TERM));
            ptyConfig.setPtyColumns(number(env, Environment.ENV_COLUMNS));
            ptyConfig.setPtyLines(number(env, Environment.ENV_LINES));
            ptyConfig.setPtyModes(new HashMap<>(env.getPtyModes()));
        }
        return ptyConfig;
    }

    private Map<String, String> passedEnv(Environment env) {
        Map<String, String> passed = new HashMap<>();
        env.getEnv().forEach((name, value) -> {
            if (config.passesEnv(name)) {
                passed.put(name, value);
            }
        });
        return passed;
    }

    /** Passes a client channel's window changes and signals to the target leg. */
    static void listenForSignals(Environment env, TargetLeg target) {
        env.addSignalListener((ch, signal) -> {
            if (signal == Signal.WINCH) {
                target.windowChanged(number(env, Environment.ENV_COLUMNS), number(env, Environment.ENV_LINES));
            } else {
                target.signal(signal.name());
            }
        });
    }

    /** Bytes the client sent before the relay took over its input (while a menu read it) go first. */
    private void drainPipedInput(Attachment attachment, ChannelSession channel) {
        try {
            int n;
            while (in != null && (n = in.available()) > 0) {
                byte[] buffer = new byte[n];
                int read = in.read(buffer);
                if (read > 0) {
                    // The pipe opened the window for these already; opening it again later is capped at its size.
                    attachment.data(channel, buffer, 0, read);
                }
            }
        } catch (IOException e) {
            LOG.trace("no piped input left", e);
        }
    }

    /** The client channel goes: the target's side ends with it, unless its lost connection left it detached. */
    @Override
    public void destroy(ChannelSession channel) {
        DetachableRelay detachable = relay;
        if (detachable != null && detachable.detached()) {
            return;
        }
        TargetLeg toClose = leg;
        if (toClose != null) {
            toClose.close();
        }
    }

    static int number(Environment env, String name) {
        try {
            return Math.max(0, Integer.parseInt(env.getEnv().getOrDefault(name, "0")));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
