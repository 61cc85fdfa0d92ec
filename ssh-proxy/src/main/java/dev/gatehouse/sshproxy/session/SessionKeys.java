package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.forward.JumpRegistry;
import java.security.PublicKey;
import java.util.Set;
import dev.gatehouse.sshproxy.events.SourceAddress;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.session.ServerSession;

/** Attributes the bastion keeps on each incoming SSH connection. */
public final class SessionKeys {

    /** The person the accepted key belongs to. */
    public static final AttributeKey<GatewayUser> USER = new AttributeKey<>();
    /** Set on a connection that arrived while the bastion drains: its login is refused, saying so. */
    public static final AttributeKey<Boolean> STOPPING = new AttributeKey<>();
    /** Set when this connection is the inner SSH of a ProxyJump. */
    public static final AttributeKey<JumpRegistry.Jump> JUMP = new AttributeKey<>();
    /** The target connection behind this incoming connection, once a channel asked for one. */
    public static final AttributeKey<TargetConnection> TARGET = new AttributeKey<>();
    /** Set when the client asked for agent forwarding ({@code -A}) on one of this connection's session channels. */
    public static final AttributeKey<Boolean> AGENT_REQUESTED = new AttributeKey<>();
    /** On an upstream session: the gateway session it belongs to (for channels the target opens back). */
    public static final AttributeKey<TargetConnection> CARRIER = new AttributeKey<>();
    /** Set when the person approved this login in the browser (with or without a key). */
    public static final AttributeKey<Boolean> APPROVED = new AttributeKey<>();
    /** The key the person authenticated with: re-checked while the connection lives. */
    public static final AttributeKey<PublicKey> KEY = new AttributeKey<>();
    /** The session of a connection that forwards without a target login, once its first flow opened. */
    public static final AttributeKey<ForwardOnlySession> FORWARD_ONLY = new AttributeKey<>();
    /** Why the gateway is ending this connection (terminate, maximum length, revocation), for the record of its end. */
    public static final AttributeKey<String> END_REASON = new AttributeKey<>();
    /** Set once a disconnect message was sent or received: the connection was ended on purpose, not lost. */
    public static final AttributeKey<Boolean> GOODBYE = new AttributeKey<>();
    /** The open port-forward flows of this connection (a concurrent set). */
    public static final AttributeKey<Set<LiveForward>> FORWARDS = new AttributeKey<>();

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
