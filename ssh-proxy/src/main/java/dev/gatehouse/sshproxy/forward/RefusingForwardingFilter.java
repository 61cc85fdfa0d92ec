package dev.gatehouse.sshproxy.forward;

import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.events.BastionListener;
import dev.gatehouse.sshproxy.events.Denial;
import dev.gatehouse.sshproxy.session.SessionKeys;
import java.util.Objects;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.forward.ForwardingFilter;

/**
 * Remote forwarding ({@code -R}), agent and X11 forwarding are refused and reported (on a connection with a target,
 * {@link RemoteForwards} and {@code GatewayChannelSession} decide {@code -R} and {@code -A} before this is asked). {@code direct-tcpip} is decided by
 * {@link ForwardOpener}, which replaces MINA's own channel, so {@link #canConnect} is never the deciding check.
 */
public final class RefusingForwardingFilter implements ForwardingFilter {

    private final BastionListener listener;

    public RefusingForwardingFilter(BastionListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public boolean canForwardAgent(Session session, String requestType) {
        return deny(session, "agent forwarding", "agent forwarding is not allowed through this gateway");
    }

    @Override
    public boolean canForwardX11(Session session, String requestType) {
        return deny(session, "x11 forwarding", "X11 forwarding is not allowed through this gateway");
    }

    @Override
    public boolean canListen(SshdSocketAddress address, Session session) {
        return deny(session, "remote forward " + address, "remote forwarding (-R) is not allowed through this gateway");
    }

    @Override
    public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
        return false;
    }

    private boolean deny(Session session, String request, String reason) {
        GatewayUser user = session.getAttribute(SessionKeys.USER);
        listener.denied(null, new Denial(user == null ? String.valueOf(session.getUsername()) : user.username(),
                SessionKeys.source(session), request, reason));
        return false;
    }
}
