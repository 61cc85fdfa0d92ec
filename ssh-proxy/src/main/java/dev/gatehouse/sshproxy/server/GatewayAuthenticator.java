package dev.gatehouse.sshproxy.server;

import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.events.BastionListener;
import dev.gatehouse.sshproxy.events.Denial;
import dev.gatehouse.sshproxy.forward.JumpRegistry;
import dev.gatehouse.sshproxy.session.SessionKeys;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.Objects;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * Public-key authentication against the control plane: the key names the person. The inner SSH of a ProxyJump must
 * present a key of the same person as the outer one. Failures are rate-limited and reported.
 */
final class GatewayAuthenticator implements PublickeyAuthenticator {

    /** The fingerprint of the key that authenticated (reported once the signature is verified). */
    static final AttributeKey<String> KEY_FINGERPRINT = new AttributeKey<>();

    private final AccessDecider decider;
    private final BastionListener listener;
    private final AuthFailureLimiter limiter;

    GatewayAuthenticator(AccessDecider decider, BastionListener listener, AuthFailureLimiter limiter) {
        this.decider = Objects.requireNonNull(decider, "decider");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        JumpRegistry.Jump jump = session.getAttribute(SessionKeys.JUMP);
        String source = SessionKeys.source(session);
        String address = jump != null ? jump.source() : host(session.getClientAddress());
        if (limiter.isBlocked(address, username)) {
            listener.denied(null, new Denial(username, source, "auth publickey", "too many failed attempts"));
            return false;
        }
        Decision<GatewayUser> decision = decider.authenticate(key);
        if (decision instanceof Decision.Denied<GatewayUser> denied) {
            limiter.recordFailure(address, username);
            listener.denied(null, new Denial(username, source, "auth publickey", denied.reason()));
            return false;
        }
        GatewayUser user = ((Decision.Allowed<GatewayUser>) decision).value();
        if (jump != null && !jump.user().equals(user)) {
            limiter.recordFailure(address, username);
            listener.denied(null, new Denial(user.username(), source, "auth publickey",
                    "the key inside the jump belongs to " + user.username() + ", not " + jump.user().username()));
            return false;
        }
        session.setAttribute(SessionKeys.USER, user);
        session.setAttribute(KEY_FINGERPRINT, KeyUtils.getFingerPrint(key));
        return true;
    }

    private static String host(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(address);
    }
}
