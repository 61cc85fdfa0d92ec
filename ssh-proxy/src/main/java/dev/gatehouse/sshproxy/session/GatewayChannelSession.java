package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.events.BastionListener;
import dev.gatehouse.sshproxy.events.Denial;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.PtyMode;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.channel.ChannelSession;

/**
 * MINA's session channel with the gateway's limits on what a client may ask for: X11 forwarding, and agent forwarding
 * on a connection without a target, are refused (and reported), pty sizes and environment variables are bounded, so
 * hostile requests get a clear "no" before anything reaches a target.
 */
public final class GatewayChannelSession extends ChannelSession {

    static final int MAX_TERMINAL_SIDE = 4096;
    static final int MAX_ENV_VALUE = 1024;
    static final int MAX_ENV_VARIABLES = 64;

    private final BastionListener listener;
    private int envCount;
    private volatile boolean agentRequested;

    private GatewayChannelSession(BastionListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** The {@code session} channel factory that creates these. */
    public static ChannelFactory factory(BastionListener listener) {
        return new ChannelFactory() {
            @Override
            public String getName() {
                return "session";
            }

            @Override
            public Channel createChannel(Session session) {
                return new GatewayChannelSession(listener);
            }
        };
    }

    @Override
    protected RequestHandler.Result handleAgentForwardingParsed(String requestType) {
        boolean toTarget = getSession().getAttribute(SessionKeys.JUMP) != null
                || Route.parse(getSession().getUsername()) instanceof Route.ToTarget;
        if (!toTarget) {
            deny("agent forwarding", "agent forwarding is not allowed through this gateway");
            return RequestHandler.Result.ReplyFailure;
        }
        // Decided when the shell or command starts and the target's grant is known (RelayCommand); OpenSSH asks
        // without wanting a reply, so a refusal is told on the channel's stderr then.
        agentRequested = true;
        getSession().setAttribute(SessionKeys.AGENT_REQUESTED, Boolean.TRUE);
        return RequestHandler.Result.ReplySuccess;
    }

    /** Whether the client asked for agent forwarding on this channel. */
    boolean agentRequested() {
        return agentRequested;
    }

    @Override
    protected RequestHandler.Result handleX11ForwardingParsed(String requestType,
            org.apache.sshd.server.session.ServerSession session, boolean singleConnection, String authProtocol,
            String authCookie, int screenId) {
        deny("x11 forwarding", "X11 forwarding is not allowed through this gateway");
        return RequestHandler.Result.ReplyFailure;
    }

    @Override
    protected RequestHandler.Result handlePtyReqParsed(String term, int columns, int rows, int width, int height,
                                                       Map<PtyMode, Integer> modes) throws IOException {
        if (columns < 0 || rows < 0 || columns > MAX_TERMINAL_SIDE || rows > MAX_TERMINAL_SIDE
                || term == null || term.length() > 64) {
            deny("pty " + Integer.toUnsignedString(columns) + "x" + Integer.toUnsignedString(rows),
                    "terminal size or type out of range (at most " + MAX_TERMINAL_SIDE + "x" + MAX_TERMINAL_SIDE
                            + ", type up to 64 characters)");
            return RequestHandler.Result.ReplyFailure;
        }
        return super.handlePtyReqParsed(term, columns, rows, width, height, modes);
    }

    @Override
    protected RequestHandler.Result handleWindowChangeParsed(int columns, int rows, int width, int height)
            throws IOException {
        if (columns < 0 || rows < 0 || columns > MAX_TERMINAL_SIDE || rows > MAX_TERMINAL_SIDE) {
            return RequestHandler.Result.ReplyFailure;
        }
        return super.handleWindowChangeParsed(columns, rows, width, height);
    }

    @Override
    protected RequestHandler.Result handleEnvParsed(String name, String value) throws IOException {
        if (++envCount > MAX_ENV_VARIABLES || name.length() > 64 || value.length() > MAX_ENV_VALUE) {
            deny("env " + (name.length() > 64 ? name.substring(0, 64) + "..." : name),
                    "environment variable refused (at most " + MAX_ENV_VARIABLES + " variables, values up to "
                            + MAX_ENV_VALUE + " characters)");
            return RequestHandler.Result.ReplyFailure;
        }
        return super.handleEnvParsed(name, value);
    }

    /** Sends EOF to the client: the target's output ended (its exit comes later, through the exit callback). */
    void endOutput() {
        try {
            sendEof();
        } catch (IOException e) {
            // the client is going: nothing left to end
        }
    }

    /** Ends the channel as a program killed by {@code signal} does: EOF, exit-signal (no exit-status), close. */
    void endBySignal(String signal) {
        try {
            sendEof();
            ChannelRequests.exitSignal(this, signal);
        } catch (IOException e) {
            // the client is going
        }
        commandExitFuture.setClosed();
        close(false);
    }

    private void deny(String request, String reason) {
        GatewayUser user = getSession().getAttribute(SessionKeys.USER);
        listener.denied(null, new Denial(user == null ? getSession().getUsername() : user.username(),
                SessionKeys.source(getSession()), request, reason));
    }
}
