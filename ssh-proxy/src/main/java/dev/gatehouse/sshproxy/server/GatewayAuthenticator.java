package dev.gatehouse.sshproxy.server;

import dev.gatehouse.audit.events.RepeatedRefusals;
import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.events.BastionListener;
import dev.gatehouse.sshproxy.events.Denial;
import dev.gatehouse.sshproxy.forward.JumpRegistry;
import dev.gatehouse.sshproxy.session.SessionKeys;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.Objects;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * Public-key authentication against the control plane: the key names the person. The inner SSH of a ProxyJump must
 * present a key of the same person as the outer one. Failures are rate-limited per address and per (address, user),
 * and reported (a flood from one address as one counted event per interval).
 */
final class GatewayAuthenticator implements PublickeyAuthenticator {

    /** The fingerprint of the key that authenticated (reported once the signature is verified). */
    static final AttributeKey<String> KEY_FINGERPRINT = new AttributeKey<>();

    static final String STOPPING = "this node is stopping; connect again to reach another";

    private final AccessDecider decider;
    private final BastionListener listener;
    private final AuthFailureLimiter limiter;
    private final RepeatedRefusals refusals;

    GatewayAuthenticator(AccessDecider decider, BastionListener listener, AuthFailureLimiter limiter,
                         RepeatedRefusals refusals) {
        this.decider = Objects.requireNonNull(decider, "decider");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.refusals = Objects.requireNonNull(refusals, "refusals");
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        if (session.getAttribute(SessionKeys.STOPPING) != null) {
            // Told at login: OpenSSH shows a disconnect before the key exchange as a bad banner line only.
            banner(session, "gatehouse: " + STOPPING);
            listener.denied(null, new Denial(username, SessionKeys.source(session), "auth publickey", STOPPING));
            return false;
        }
        JumpRegistry.Jump jump = session.getAttribute(SessionKeys.JUMP);
        // The inner login of a ProxyJump comes from the bastion itself, for a person the outer login already
        // authenticated: no failure counter applies to it, so no outsider's failures can lock it.
        if (jump != null) {
            return authenticateJump(username, key, session, jump);
        }
        String source = SessionKeys.source(session);
        String address = host(session.getClientAddress());
        if (limiter.isBlocked(address, username)) {
            refuse(address, new Denial(username, source, "auth publickey", "too many failed attempts"));
            return false;
        }
        Decision<GatewayUser> decision = decider.authenticate(key);
        if (decision instanceof Decision.Denied<GatewayUser> denied) {
            if (denied.unavailable()) {
                // Not the person's failure; and "Permission denied" alone would send them looking at their key.
                banner(session, "gatehouse: " + denied.reason());
            } else {
                limiter.recordFailure(address, username);
            }
            refuse(address, new Denial(username, source, "auth publickey", denied.reason()));
            return false;
        }
        GatewayUser user = ((Decision.Allowed<GatewayUser>) decision).value();
        return switch (decider.approvalRule(user)) {
            case NONE -> accept(user, key, session);
            case AFTER_KEY -> {
                session.setAttribute(KeyThenApproval.AWAITING_SIGNATURE, KeyThenApproval.verified(user, key));
                yield true;
            }
            case INSTEAD_OF_KEY -> {
                // Not counted as a failure: OpenSSH goes on to keyboard-interactive, where the approval is asked for.
                refuse(address, new Denial(user.username(), source, "auth publickey",
                        "a role of " + user.username() + " requires approval in the browser instead of a key"));
                yield false;
            }
        };
    }

    private boolean authenticateJump(String username, PublicKey key, ServerSession session, JumpRegistry.Jump jump) {
        Decision<GatewayUser> decision = decider.authenticate(key);
        if (decision instanceof Decision.Denied<GatewayUser> denied) {
            listener.denied(null, new Denial(username, jump.source(), "auth publickey", denied.reason()));
            return false;
        }
        GatewayUser user = ((Decision.Allowed<GatewayUser>) decision).value();
        if (!jump.user().equals(user)) {
            listener.denied(null, new Denial(user.username(), jump.source(), "auth publickey",
                    "the key inside the jump belongs to " + user.username() + ", not " + jump.user().username()));
            return false;
        }
        return accept(user, key, session);
    }

    /** An SSH_MSG_USERAUTH_BANNER: OpenSSH prints it on the terminal during authentication. */
    static void banner(ServerSession session, String text) {
        try {
            Buffer buffer = session.createBuffer(SshConstants.SSH_MSG_USERAUTH_BANNER, text.length() + 16);
            buffer.putString(text + "\r\n");
            buffer.putString("");
            session.writePacket(buffer);
        } catch (IOException e) {
            // The refusal stands without its explanation.
        }
    }

    /** The first refusal from an address in an interval is audited in full; the rest are counted into one event. */
    private void refuse(String address, Denial denial) {
        if (refusals.first(address)) {
            listener.denied(null, denial);
        }
    }

    private static boolean accept(GatewayUser user, PublicKey key, ServerSession session) {
        session.setAttribute(SessionKeys.USER, user);
        session.setAttribute(SessionKeys.KEY, key);
        session.setAttribute(KEY_FINGERPRINT, KeyUtils.getFingerPrint(key));
        return true;
    }

    static String host(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(address);
    }
}
