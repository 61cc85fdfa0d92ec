package dev.gatehouse.sshproxy.access;

import java.security.PublicKey;
import java.util.List;
import java.util.Optional;

/**
 * Who may go where: the bastion's questions to the control plane. Implemented in-process by the control plane in the
 * all-in-one and by an HTTP client in a standalone bastion. Every method answers quickly (cached) and never throws for
 * a refusal: refusals are {@link Decision.Denied} with a reason the user may read.
 */
public interface AccessDecider {

    /** Whose key this is; denied when the key is unknown, revoked, or its owner disabled. */
    Decision<GatewayUser> authenticate(PublicKey key);

    /** May {@code user} log in as {@code login} on the host named {@code host}? Allowed carries the target to dial. */
    Decision<Target> authorizeLogin(GatewayUser user, String login, String host);

    /**
     * Whether a live session of {@code user} as {@code login} on {@code host} may go on, asked when their access may
     * have changed. The same question as {@link #authorizeLogin} except that limits on new sessions (how many one
     * person may hold) do not apply: the session is already counted.
     */
    default Decision<Target> recheckLogin(GatewayUser user, String login, String host) {
        return authorizeLogin(user, login, host);
    }

    /**
     * May {@code user} open a TCP flow to {@code destination}? {@code via} is the target whose session carries the
     * forward, when there is one (its network is then where the flow is dialled).
     */
    Decision<ForwardRoute> authorizeForward(GatewayUser user, Optional<Target> via, HostAndPort destination);

    /**
     * CA keys whose host certificates are trusted for the inventory names they certify, instead of a pinned or learned
     * key ({@code gatehouse.targets.host-ca}); none by default.
     */
    default List<PublicKey> hostCertificateAuthorities() {
        return List.of();
    }

    /** The hosts and logins {@code user} may use, for the menu. */
    List<Reachable> reachable(GatewayUser user);

    /**
     * Asks, on behalf of {@code user}, for {@code role} for {@code minutes} because of {@code reason} (the menu's
     * access request). Allowed carries a line saying what happens next; denied says why. Not taken by default.
     */
    default Decision<String> requestAccess(GatewayUser user, String role, int minutes, String reason) {
        return Decision.deny("access requests are not taken on this gateway; ask in the console");
    }

    /**
     * The people whose access changed since {@code revision} (0 the first time; then the revision the last answer
     * carried). Polled every few seconds to end live sessions whose access no longer holds; cheap when nothing changed.
     */
    AccessChanges changesSince(long revision);

    /**
     * Records the host key a target presented on first contact, so later sessions pin it. True only when that key is
     * now the trusted one; false when the store refused it (another key won a concurrent first contact, the host is
     * gone): the connection must then fail closed.
     */
    boolean learnHostKey(String targetName, PublicKey hostKey);

    /**
     * Takes one of {@code user}'s concurrent-session slots for the new session {@code sessionId} where the limit is
     * counted across several gateway nodes; denied, with the reason, when the person holds as many as allowed. Asked
     * after the bastion's own count admitted the session, and never cached. Allowed by default: a single gateway's own
     * count is the whole limit.
     */
    default Decision<String> reserveSession(GatewayUser user, String sessionId) {
        return Decision.allow(sessionId);
    }

    /** Gives back the slot {@link #reserveSession} took for {@code sessionId}, once the session has ended. */
    default void releaseSession(String sessionId) {}

    /**
     * A detached session of {@code user} on {@code login}@{@code host} that another gateway node keeps, asked when a
     * shell finds none on this node. Empty by default: a single gateway has no other node.
     */
    default Optional<HeldElsewhere> detachedElsewhere(GatewayUser user, String login, String host) {
        return Optional.empty();
    }

    /**
     * Whether {@code user}'s logins need approval in the browser besides (or instead of) the key they presented.
     * None by default.
     */
    default ApprovalRule approvalRule(GatewayUser user) {
        return ApprovalRule.NONE;
    }

    /**
     * Opens an approval for {@code request}: the person approves or denies it in the console. Denied, with the reason
     * the client is told, when that person may not log in this way (unknown, disabled, logs in with a key) or too many
     * approvals are pending. Not offered by default.
     */
    default Decision<PendingApproval> requestApproval(ApprovalRequest request) {
        ApprovalDesk desk = approvalDesk();
        return desk == null ? Decision.deny("logins approved in the browser are not offered here")
                : desk.request(request);
    }

    /** Ends the pending approval {@code code} whose connection went away before an answer (no-op once answered). */
    default void withdrawApproval(String code) {
        ApprovalDesk desk = approvalDesk();
        if (desk != null) {
            desk.withdraw(code);
        }
    }

    /** Where this decider's logins approved in the browser are asked for; none (null) by default. */
    default ApprovalDesk approvalDesk() {
        return null;
    }
}
