package dev.gatehouse.sshproxy.access;

/**
 * Where logins approved in the browser are asked for: in the control plane's own process, or over a bastion node's
 * link to it. An {@link AccessDecider} that offers such logins names its desk; asking and withdrawing go there.
 */
public interface ApprovalDesk {

    /** Opens an approval for {@code request}, or says why none may be asked for. */
    Decision<PendingApproval> request(ApprovalRequest request);

    /** Ends the pending approval {@code code} whose connection went away before an answer (no-op once answered). */
    void withdraw(String code);
}
