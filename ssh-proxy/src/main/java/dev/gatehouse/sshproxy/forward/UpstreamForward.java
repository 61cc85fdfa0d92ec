package dev.gatehouse.sshproxy.forward;

import dev.gatehouse.sshproxy.dial.DialedConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import org.apache.sshd.client.channel.AsyncCapableClientChannel;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * A {@code direct-tcpip} channel on the upstream session, so the target opens the flow (its own 127.0.0.1 is meant,
 * as with plain OpenSSH). Both directions keep SSH flow control: the target's window bounds what is in flight.
 */
final class UpstreamForward implements DialedConnection {

    private final AsyncCapableClientChannel channel;

    private UpstreamForward(AsyncCapableClientChannel channel) {
        this.channel = Objects.requireNonNull(channel, "channel");
    }

    /** Asks the target to open {@code host:port}; the exception says why when it would not. */
    static UpstreamForward open(ClientSession upstream, String host, int port, String originator, Duration timeout)
            throws IOException {
        return open(upstream, "direct-tcpip", host, port, originator, timeout);
    }

    /**
     * Opens a channel of {@code type} ({@code direct-tcpip} towards a target, {@code forwarded-tcpip} towards a client)
     * on {@code session}; both carry the same fields.
     */
    static UpstreamForward open(Session session, String type, String host, int port, String originator,
                                Duration timeout) throws IOException {
        return opened(session, new TargetChannel(type, originatorAddress(originator), new SshdSocketAddress(host, port)),
                "direct-tcpip".equals(type) ? "the target could not open " + host + ":" + port
                        : "the client could not take the forward from " + host + ":" + port, timeout);
    }

    /** Opens an {@code auth-agent@openssh.com} channel to the client on {@code session} (no fields to carry). */
    static UpstreamForward openAgent(Session session, Duration timeout) throws IOException {
        return opened(session, new AgentChannel(), "the client refused agent forwarding", timeout);
    }

    private static UpstreamForward opened(Session session, AsyncCapableClientChannel channel, String what,
                                          Duration timeout) throws IOException {
        try {
            session.getService(ConnectionService.class).registerChannel(channel);
            OpenFuture opened = channel.open();
            if (!opened.await(timeout)) {
                throw new IOException(what + ": no answer within " + timeout.toSeconds() + " s");
            }
            if (opened.getException() != null) {
                Throwable failure = opened.getException();
                String why = failure instanceof SshChannelOpenException open ? open.getMessage()
                        : failure.getCause() instanceof SshChannelOpenException open ? open.getMessage()
                        : failure.getMessage();
                throw new IOException(what + ": " + why, failure);
            }
            return new UpstreamForward(channel);
        } catch (IOException | RuntimeException e) {
            channel.close(true);
            throw e;
        }
    }

    /** The client's own {@code originator host:port}; a malformed one is replaced, it is only informative. */
    private static SshdSocketAddress originatorAddress(String originator) {
        int colon = originator.lastIndexOf(':');
        try {
            return new SshdSocketAddress(originator.substring(0, colon), Integer.parseInt(originator.substring(colon + 1)));
        } catch (RuntimeException e) {
            return new SshdSocketAddress("127.0.0.1", 0);
        }
    }

    @Override
    public InputStream input() {
        return channel.getInvertedOut();
    }

    @Override
    public OutputStream output() {
        return channel.getInvertedIn();
    }

    @Override
    public void shutdownOutput() throws IOException {
        // Closing the channel's output stream sends EOF and leaves the way back open.
        channel.getInvertedIn().close();
    }

    @Override
    public void close() {
        channel.close(false);
    }

    /**
     * MINA's channel, except that the target's EOF ends the stream read from it: the target half-closes (its service
     * finished answering) while the client may still be sending, and the client must see that end.
     */
    private static final class TargetChannel extends ChannelDirectTcpip {
        private final String type;

        TargetChannel(String type, SshdSocketAddress local, SshdSocketAddress remote) {
            super(local, remote);
            this.type = type;
        }

        @Override
        public String getChannelType() {
            return type;
        }

        @Override
        public void handleEof() throws IOException {
            super.handleEof();
            if (out != null) {
                out.close();
            }
        }
    }

    /** An {@code auth-agent@openssh.com} channel to the client, ending its stream at the client's EOF as above. */
    private static final class AgentChannel extends AsyncCapableClientChannel {
        AgentChannel() {
            super("auth-agent@openssh.com", false);
        }

        @Override
        public void handleEof() throws IOException {
            super.handleEof();
            if (out != null) {
                out.close();
            }
        }
    }
}
