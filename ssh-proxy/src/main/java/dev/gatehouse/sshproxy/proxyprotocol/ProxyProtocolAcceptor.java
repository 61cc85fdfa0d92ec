package dev.gatehouse.sshproxy.proxyprotocol;

import dev.gatehouse.sshproxy.events.SourceAddress;
import java.io.Closeable;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.AbstractServerSession;
import org.apache.sshd.server.session.ServerProxyAcceptor;
import org.apache.sshd.server.session.ServerSession;

/**
 * MINA's hook before the SSH identification: on a connection from a trusted peer (the balancer) it reads the PROXY
 * header and makes the client address it names the session's client address, which every event, limit and record then
 * uses. A trusted peer that sends no valid header in time, or an untrusted one that sends a header, is disconnected and
 * the refusal reported.
 */
public final class ProxyProtocolAcceptor implements ServerProxyAcceptor, Closeable {

    /** What the bastion does once a connection's client address is known, or refused. */
    public interface Outcome {

        /** The client address is settled; false when the bastion closed the connection (a limit, say). */
        boolean addressKnown(ServerSession session);

        /** The connection is being closed for {@code reason}; {@code peer} is the address that sent it. */
        void refused(ServerSession session, String peer, String reason);
    }

    /** Header bytes to skip: MINA calls the hook again, from the same start, until the identification is complete. */
    private static final AttributeKey<Integer> HEADER_LENGTH = new AttributeKey<>();
    /** Set while a header is expected from this connection. */
    private static final AttributeKey<Boolean> AWAITING = new AttributeKey<>();
    /** Bytes after which the first bytes of a direct client have shown whether they start a header. */
    private static final int DECIDING_BYTES = 12;

    private final ProxyProtocolSettings settings;
    private final Outcome outcome;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("ssh-proxy-header-timeout").daemon(true).factory());

    public ProxyProtocolAcceptor(ProxyProtocolSettings settings, Outcome outcome) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.outcome = Objects.requireNonNull(outcome, "outcome");
    }

    /**
     * Called when a connection opens: true when a header is expected from it (its peer is trusted), and the header's
     * deadline starts; false when its own peer is the client (the caller settles it now).
     */
    public boolean awaitHeader(ServerSession session) {
        if (!(session.getIoSession().getRemoteAddress() instanceof InetSocketAddress peer)
                || !settings.trustedPeers().contains(peer.getAddress())) {
            return false;
        }
        session.setAttribute(AWAITING, Boolean.TRUE);
        timer.schedule(() -> {
            if (session.getAttribute(AWAITING) != null && session.isOpen()) {
                refuse(session, "no complete PROXY protocol header within "
                        + settings.headerTimeout().toMillis() + " ms");
            }
        }, settings.headerTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return true;
    }

    @Override
    public boolean acceptServerProxyMetadata(ServerSession session, Buffer buffer) {
        Integer known = session.getAttribute(HEADER_LENGTH);
        if (known != null) {
            buffer.rpos(buffer.rpos() + known);
            return true;
        }
        byte[] data = buffer.array();
        int offset = buffer.rpos();
        int available = buffer.available();
        if (session.getAttribute(AWAITING) == null) {
            return direct(session, data, offset, available);
        }
        Optional<ProxyHeader> header;
        try {
            header = ProxyHeaderParser.parse(data, offset, available);
        } catch (MalformedProxyHeaderException e) {
            return refuse(session, e.getMessage());
        }
        if (header.isEmpty()) {
            return false;
        }
        if (header.get().client() != null) {
            // MINA's server sessions all are; getClientAddress() then answers the header's address everywhere.
            ((AbstractServerSession) session).setClientAddress(header.get().client());
        }
        session.setAttribute(HEADER_LENGTH, header.get().length());
        session.removeAttribute(AWAITING);
        if (!outcome.addressKnown(session)) {
            return false;
        }
        buffer.rpos(offset + header.get().length());
        return true;
    }

    /** A connection whose own peer is the client: it may not claim another address. */
    private boolean direct(ServerSession session, byte[] data, int offset, int available) {
        if (ProxyHeaderParser.mayBeHeader(data, offset, available)) {
            if (available < DECIDING_BYTES) {
                return false;
            }
            return refuse(session, "a PROXY protocol header from a peer outside gatehouse.ssh.proxy-protocol-from ("
                    + settings.trustedPeers() + ")");
        }
        session.setAttribute(HEADER_LENGTH, 0);
        return true;
    }

    /** Reports and closes; false tells MINA to read no further. */
    private boolean refuse(ServerSession session, String reason) {
        session.removeAttribute(AWAITING);
        SocketAddress peer = session.getIoSession().getRemoteAddress();
        outcome.refused(session, SourceAddress.of(peer), reason);
        session.close(true);
        return false;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
