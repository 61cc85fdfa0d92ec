package dev.gatehouse.sshproxy.server;

import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.ApprovalRequest;
import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.access.PendingApproval;
import dev.gatehouse.sshproxy.events.BastionListener;
import dev.gatehouse.sshproxy.events.Denial;
import dev.gatehouse.sshproxy.forward.JumpRegistry;
import dev.gatehouse.sshproxy.session.Route;
import dev.gatehouse.sshproxy.session.SessionKeys;
import dev.gatehouse.sshproxy.session.TargetSessions;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.auth.AsyncAuthException;
import org.apache.sshd.server.auth.keyboard.InteractiveChallenge;
import org.apache.sshd.server.auth.keyboard.KeyboardInteractiveAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * A login approved in the browser, over keyboard-interactive: the challenge shows the approval's URL and code and
 * asks nothing, so OpenSSH answers at once; the answer is then held (MINA's asynchronous authentication, no thread
 * waits) until the person approves, denies, or the approval expires. One approval per connection.
 */
final class BrowserApproval implements KeyboardInteractiveAuthenticator {

    /** The approval this connection waits for. */
    static final AttributeKey<PendingApproval> PENDING = new AttributeKey<>();
    /** Set once this connection asked for an approval: a second round of keyboard-interactive asks nothing. */
    private static final AttributeKey<Boolean> ASKED = new AttributeKey<>();

    /** Time left to the client after the approval expires, to be told why before the connection closes. */
    private static final Duration GRACE = Duration.ofSeconds(15);

    private final AccessDecider decider;
    private final BastionListener listener;
    private final AuthFailureLimiter limiter;

    BrowserApproval(AccessDecider decider, BastionListener listener, AuthFailureLimiter limiter) {
        this.decider = Objects.requireNonNull(decider, "decider");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
    }

    @Override
    public InteractiveChallenge generateChallenge(ServerSession session, String username, String lang,
            String subMethods) {
        if (session.getAttribute(SessionKeys.STOPPING) != null || session.setAttribute(ASKED, Boolean.TRUE) != null) {
            return null;
        }
        JumpRegistry.Jump jump = session.getAttribute(SessionKeys.JUMP);
        if (jump != null) {
            // The inner login of a ProxyJump whose outer login was approved: that approval covers it.
            return jump.approvedInBrowser() ? new InteractiveChallenge() : null;
        }
        KeyThenApproval.VerifiedKey verified = session.getAttribute(KeyThenApproval.VERIFIED);
        Optional<String> person = verified != null ? Optional.of(verified.user().username()) : Route.person(username);
        String source = SessionKeys.source(session);
        if (person.isEmpty()) {
            GatewayAuthenticator.banner(session, "gatehouse: no key was accepted. To approve this login in the browser,"
                    + " put your Gatehouse user name first, e.g. alice" + Route.PERSON_SEPARATOR + username);
            return null;
        }
        String address = GatewayAuthenticator.host(session.getClientAddress());
        if (limiter.isBlocked(address, person.get())) {
            listener.denied(null, new Denial(person.get(), source, "auth approval", "too many failed attempts"));
            return null;
        }
        Route route = Route.parse(username);
        String target = route instanceof Route.ToTarget to ? to.login() + "@" + to.host() : "menu";
        Decision<PendingApproval> decision = decider.requestApproval(new ApprovalRequest(person.get(), target, source,
                String.valueOf(session.getClientVersion()), verified != null));
        if (decision instanceof Decision.Denied<PendingApproval> denied) {
            limiter.recordFailure(address, person.get());
            GatewayAuthenticator.banner(session, "gatehouse: " + denied.reason());
            listener.denied(null, new Denial(person.get(), source, "auth approval", denied.reason()));
            return null;
        }
        PendingApproval pending = ((Decision.Allowed<PendingApproval>) decision).value();
        session.setAttribute(PENDING, pending);
        // The login may wait for the approval's whole life, past the usual authentication timeout.
        CoreModuleProperties.AUTH_TIMEOUT.set(session, pending.ttl().plus(GRACE));
        session.resetAuthTimeout();
        InteractiveChallenge challenge = new InteractiveChallenge();
        challenge.setInteractionName("Gatehouse");
        challenge.setInteractionInstruction("Approve this login in your browser (signed in as " + person.get() + "):\n"
                + "  " + pending.url() + "\n  code " + pending.code() + ", valid " + pending.ttl().toSeconds()
                + " s; this login goes on by itself once approved.");
        return challenge;
    }

    @Override
    public boolean authenticate(ServerSession session, String username, List<String> responses) {
        JumpRegistry.Jump jump = session.getAttribute(SessionKeys.JUMP);
        if (jump != null) {
            if (!jump.approvedInBrowser()) {
                return false;
            }
            session.setAttribute(SessionKeys.USER, jump.user());
            session.setAttribute(SessionKeys.APPROVED, Boolean.TRUE);
            return true;
        }
        PendingApproval pending = session.getAttribute(PENDING);
        if (pending == null) {
            return false;
        }
        KeyThenApproval.VerifiedKey verified = session.getAttribute(KeyThenApproval.VERIFIED);
        AsyncAuthException waiting = new AsyncAuthException();
        pending.outcome().whenComplete((decision, error) -> {
            if (decision instanceof Decision.Allowed<GatewayUser> allowed) {
                session.removeAttribute(PENDING);
                session.setAttribute(SessionKeys.USER, allowed.value());
                session.setAttribute(SessionKeys.APPROVED, Boolean.TRUE);
                if (verified != null) {
                    PublicKey key = verified.key();
                    session.setAttribute(SessionKeys.KEY, key);
                    session.setAttribute(GatewayAuthenticator.KEY_FINGERPRINT, verified.fingerprint());
                }
                waiting.setAuthed(true);
                return;
            }
            String reason = decision instanceof Decision.Denied<GatewayUser> denied ? denied.reason()
                    : "the approval failed: " + error;
            session.removeAttribute(PENDING);
            // Said and then closed: OpenSSH would otherwise ask for the next method and open another approval.
            TargetSessions.disconnect(session, "gatehouse: login refused: " + reason);
            waiting.setAuthed(false);
        });
        throw waiting;
    }

    /** Withdraws what a closing connection still waits for. */
    void closed(ServerSession session) {
        PendingApproval pending = session.removeAttribute(PENDING);
        if (pending != null) {
            decider.withdrawApproval(pending.code());
        }
    }
}
