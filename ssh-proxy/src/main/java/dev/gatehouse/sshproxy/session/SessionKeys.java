package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.forward.JumpRegistry;
import dev.gatehouse.sshproxy.events.SourceAddress;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.session.ServerSession;

/** Attributes the bastion keeps on each incoming SSH connection. */
public final class SessionKeys {

    /** The person the accepted key belongs to. */
    public static final AttributeKey<GatewayUser> USER = new AttributeKey<>();
    /** Set when this connection is the inner SSH of a ProxyJump. */
    public static final AttributeKey<JumpRegistry.Jump> JUMP = new AttributeKey<>();
    /** The target connection behind this incoming connection, once a channel asked for one. */
    public static final AttributeKey<TargetConnection> TARGET = new AttributeKey<>();

    /**
     * The engineer's address as events carry it. A ProxyJump's inner connection comes from the bastion itself, so for
     * it this is the outer connection's client address; otherwise the client address (the PROXY header's, behind one).
     */
    public static String source(Session session) {
        JumpRegistry.Jump jump = session.getAttribute(JUMP);
        if (jump != null) {
            return jump.source();
        }
        return SourceAddress.of(session instanceof ServerSession server ? server.getClientAddress()
                : session.getRemoteAddress());
    }

    private SessionKeys() {
    }
}
