package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.channel.ChannelDataWriter;
import dev.gatehouse.sshproxy.events.BastionListener;
import dev.gatehouse.sshproxy.events.Activity;
import dev.gatehouse.sshproxy.events.Denial;
import dev.gatehouse.sshproxy.server.BastionConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.channel.PtyCapableChannelSession;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.PtyChannelConfiguration;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shell or exec channel relayed to the same request on the target: pty, environment, window changes and signals go
 * up; stdout, stderr, EOF, exit status and exit signal come back, in OpenSSH's order. Each direction is a blocking
 * copy on a virtual thread through MINA's windowed pipes, so memory per channel is bounded by the SSH windows. Every
 * stream goes to the listener, pty or not: without a pty stdin, stdout and stderr are the evidence.
 */
final class RelayCommand extends BastionCommand {

    private static final Logger LOG = LoggerFactory.getLogger(RelayCommand.class);
    private static final int CHUNK = 32 * 1024;
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final TargetSessions sessions;
    private final BastionConfig config;
    private final String commandLine;
    private volatile PtyCapableChannelSession upstream;
    private volatile ClientLeg leg;

    /** {@code commandLine} is null for a shell. */
    RelayCommand(TargetSessions sessions, BastionConfig config, String commandLine) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.config = Objects.requireNonNull(config, "config");
        this.commandLine = commandLine;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        Thread.ofVirtual().name("relay-" + channel.getChannelId()).start(() -> run(channel, env));
    }

    private void run(ChannelSession channel, Environment env) {
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
        try {
            upstream = openUpstream(target, env, pty, agent);
        } catch (IOException e) {
            LOG.debug("opening the target channel failed", e);
            refuse("cannot open a channel on " + connection.info().targetName() + ": " + e.getMessage(), pty);
            return;
        }
        Activity info = connection.startActivity(commandLine == null ? Activity.Kind.SHELL : Activity.Kind.EXEC,
                commandLine, pty ? env.getEnv().get(Environment.ENV_TERM) : null,
                pty ? number(env, Environment.ENV_COLUMNS) : 0, pty ? number(env, Environment.ENV_LINES) : 0);
        WindowChanges windowChanges = new WindowChanges((columns, rows) -> resize(columns, rows, info));
        ClientLeg client = new ClientLeg(ClientLeg.Attachment.of(channel, in, err, exit, pty), new ClientLeg.Relay() {
            @Override
            public void lost(ClientLeg lostLeg, ChannelSession lostChannel) {
                lostLeg.close();
                upstream.close(false);
            }

            @Override
            public void windowChanged(int columns, int rows) {
                windowChanges.changed(columns, rows);
            }

            @Override
            public void signal(Signal signal) {
                forwardSignal(signal);
            }
        });
        listenForSignals(env, client.relay());
        leg = client;
        Runnable notRelaying = connection.relaying(client, info);
        // Gateway notices go between whole writes of the target's own stderr.
        Runnable noTerminal = connection.addTerminal(client::notice);
        Thread stdin = Thread.ofVirtual().start(() -> pumpInput(client, listener, info));
        Thread stderr = Thread.ofVirtual().start(() -> copy(upstream.getInvertedErr(), (data, n) -> {
            listener.errorOutput(info, data, 0, n);
            client.write(true, data, n);
        }));
        copy(upstream.getInvertedOut(), (data, n) -> {
            listener.output(info, data, 0, n);
            client.write(false, data, n);
        });
        join(stderr);
        upstream.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), CLOSE_WAIT);
        stdin.interrupt();
        noTerminal.run();
        Integer status = upstream.getExitStatus();
        String signal = upstream.getExitSignal();
        listener.activityEnded(info, status, signal, signal != null ? "signal" : "exit");
        String lost = status == null && signal == null ? sessions.connector().lostReason(target) : null;
        // Ended while detached: the end is told to whoever re-attaches (or nobody, once the grace ran out).
        ClientLeg.Attachment to = client.awaitAttachedOrClosed(null);
        client.close();
        notRelaying.run();
        if (to == null) {
            return;
        }
        if (lost != null) {
            // The tunnel to the target broke for a reason the gateway knows (the agent was revoked, say): say so.
            tell(to, "connection to " + connection.info().targetName() + " lost: " + lost);
            to.exit().onExit(255, lost);
            return;
        }
        finish(to, status, signal);
    }

    private PtyCapableChannelSession openUpstream(ClientSession target, Environment env, boolean pty, boolean agent)
            throws IOException {
        PtyChannelConfiguration ptyConfig = new PtyChannelConfiguration();
        if (pty) {
            ptyConfig.setPtyType(env.getEnv().get(Environment.ENV_TERM));
            ptyConfig.setPtyColumns(number(env, Environment.ENV_COLUMNS));
            ptyConfig.setPtyLines(number(env, Environment.ENV_LINES));
            ptyConfig.setPtyModes(new HashMap<>(env.getPtyModes()));
        }
        Map<String, String> passed = new HashMap<>();
        env.getEnv().forEach((name, value) -> {
            if (config.passesEnv(name)) {
                passed.put(name, value);
            }
        });
        PtyCapableChannelSession channel = commandLine == null
                ? target.createShellChannel(ptyConfig, passed)
                : target.createExecChannel(commandLine, ptyConfig, passed);
        channel.setUsePty(pty);
        channel.setAgentForwarding(agent);
        channel.open().verify(OPEN_TIMEOUT);
        return channel;
    }

    /** Passes a client channel's window changes and signals to the relay (the first channel's, or a re-attached one's). */
    static void listenForSignals(Environment env, ClientLeg.Relay relay) {
        env.addSignalListener((ch, signal) -> {
            if (signal == Signal.WINCH) {
                relay.windowChanged(number(env, Environment.ENV_COLUMNS), number(env, Environment.ENV_LINES));
            } else {
                relay.signal(signal);
            }
        });
    }

    private void forwardSignal(Signal signal) {
        PtyCapableChannelSession channel = upstream;
        if (channel == null || !channel.isOpen()) {
            return;
        }
        try {
            ChannelRequests.signal(channel, signal.name());
        } catch (IOException e) {
            LOG.debug("forwarding {} failed", signal, e);
        }
    }

    private void resize(int columns, int rows, Activity info) {
        PtyCapableChannelSession channel = upstream;
        if (channel == null || !channel.isOpen()) {
            return;
        }
        try {
            channel.sendWindowChange(columns, rows);
            sessions.listener().resized(info, columns, rows);
        } catch (IOException e) {
            LOG.debug("forwarding a window change failed", e);
        }
    }

    private void pumpInput(ClientLeg client, BastionListener listener, Activity info) {
        OutputStream target = new ChannelDataWriter(upstream);
        byte[] buffer = new byte[CHUNK];
        try {
            int n;
            while ((n = client.read(buffer)) >= 0) {
                target.write(buffer, 0, n);
                listener.input(info, buffer, 0, n);
            }
        } catch (IOException e) {
            LOG.trace("client input ended", e);
        } finally {
            // The channel's own stream, never written to, sends the EOF.
            closeQuietly(upstream.getInvertedIn());
        }
    }

    /** Where a copy shows what it passed on; the buffer is only valid during the call. */
    private interface Tap {
        void passed(byte[] data, int length);
    }

    /** Copies the target's output to {@code tap} (the recorder, then the client leg). */
    private static void copy(InputStream from, Tap tap) {
        byte[] buffer = new byte[CHUNK];
        try {
            int n;
            while ((n = from.read(buffer)) >= 0) {
                tap.passed(buffer, n);
            }
        } catch (IOException e) {
            LOG.trace("relay copy ended", e);
        }
    }

    private static void finish(ClientLeg.Attachment to, Integer status, String signal) {
        if (signal != null && status == null) {
            try {
                to.out().flush();
                to.err().flush();
                ChannelRequests.exitSignal(to.channel(), signal);
            } catch (IOException e) {
                LOG.debug("sending exit-signal failed", e);
            }
            to.channel().close(false);
            return;
        }
        to.exit().onExit(status == null ? 255 : status);
    }

    private static void tell(ClientLeg.Attachment to, String message) {
        String newline = to.pty() ? "\r\n" : "\n";
        try {
            to.err().write(("gatehouse: " + message + newline).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            to.err().flush();
        } catch (IOException ignored) {
            // the client is gone: nothing left to tell
        }
    }

    /** The client channel goes: its connection was lost (the session may be held for re-attach), or it closed. */
    @Override
    public void destroy(ChannelSession channel) {
        ClientLeg client = leg;
        if (client != null) {
            client.lost(channel);
            if (!client.closed()) {
                return;
            }
        }
        PtyCapableChannelSession channelToClose = upstream;
        if (channelToClose != null) {
            channelToClose.close(false);
        }
    }

    static int number(Environment env, String name) {
        try {
            return Math.max(0, Integer.parseInt(env.getEnv().getOrDefault(name, "0")));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(OutputStream stream) {
        try {
            stream.close();
        } catch (IOException ignored) {
            // already closed by the other side
        }
    }
}
