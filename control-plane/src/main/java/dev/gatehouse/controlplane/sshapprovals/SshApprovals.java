package dev.gatehouse.controlplane.sshapprovals;

import dev.gatehouse.controlplane.api.ApiException;
import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.keys.SshKeyStore;
import dev.gatehouse.controlplane.roles.Role;
import dev.gatehouse.controlplane.roles.RoleStore;
import dev.gatehouse.controlplane.security.Caller;
import dev.gatehouse.controlplane.users.User;
import dev.gatehouse.controlplane.users.UserStore;
import dev.gatehouse.sshproxy.access.ApprovalRequest;
import dev.gatehouse.sshproxy.access.ApprovalRule;
import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.access.PendingApproval;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * SSH logins approved in the browser: who must (roles with {@code requireSso} or {@code requireApproval}), who may
 * (a person with no registered key), the pending approvals, and their answers. Only the person a login is for may
 * answer it; an admin may not answer for someone else (a second factor someone else can give is none). Every step
 * is an audit event ({@code ssh-approval.requested}, {@code .approved}, {@code .denied}, {@code .expired},
 * {@code .withdrawn}, {@code .refused}).
 */
@Component
public final class SshApprovals implements DisposableBean {

    private final UserStore users;
    private final SshKeyStore keys;
    private final RoleStore roles;
    private final ControlPlaneAudit trail;
    private final String baseUrl;
    private final ScheduledExecutorService timer;
    private final PendingApprovals pending;

    public SshApprovals(UserStore users, SshKeyStore keys, RoleStore roles, ControlPlaneAudit trail, Clock clock,
            GatehouseSettings settings) {
        this.users = Objects.requireNonNull(users, "users");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.roles = Objects.requireNonNull(roles, "roles");
        this.trail = Objects.requireNonNull(trail, "trail");
        String url = settings.console().publicUrl();
        this.baseUrl = url.isEmpty() ? "http://localhost:" + settings.http().port()
                : url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("ssh-approval-expiry").factory());
        GatehouseSettings.SshAuth auth = settings.ssh().auth();
        this.pending = new PendingApprovals(clock, timer, auth.approvalTtl(), auth.approvalsPerAddress(),
                auth.approvalsTotal());
    }

    /** Whether {@code username}'s logins need approval, from the roles they hold. */
    public ApprovalRule rule(String username) {
        return users.find(username).map(this::rule).orElse(ApprovalRule.NONE);
    }

    private ApprovalRule rule(User user) {
        List<Role> held = roles.findAll(user.roles());
        return held.stream().anyMatch(Role::requireSso) ? ApprovalRule.INSTEAD_OF_KEY
                : held.stream().anyMatch(Role::requireApproval) ? ApprovalRule.AFTER_KEY : ApprovalRule.NONE;
    }

    /** Opens an approval for a login, or says why none may be asked for. */
    public Decision<PendingApproval> request(ApprovalRequest request) {
        Optional<User> person = users.find(request.person()).filter(user -> !user.disabled());
        if (person.isEmpty()) {
            return refuseRequest(request, "no approval can be asked of " + request.person()
                    + ": unknown or disabled user");
        }
        if (!request.keyVerified() && rule(person.get()) != ApprovalRule.INSTEAD_OF_KEY
                && !keys.forUser(request.person()).isEmpty()) {
            return refuseRequest(request, request.person() + " logs in with a registered key; use it");
        }
        Decision<PendingApprovals.Pending> opened = pending.open(request, expired -> record("ssh-approval.expired",
                request.person(), expired, "denied", "not approved within " + pending.ttl().toSeconds() + " s"));
        if (opened instanceof Decision.Denied<PendingApprovals.Pending> full) {
            return refuseRequest(request, full.reason());
        }
        PendingApprovals.Pending waiting = ((Decision.Allowed<PendingApprovals.Pending>) opened).value();
        record("ssh-approval.requested", request.person(), waiting, "success", null);
        return Decision.allow(new PendingApproval(waiting.code(), baseUrl + "/approve/" + waiting.code(),
                pending.ttl(), waiting.outcome()));
    }

    /** The approval under {@code code}, for the person it is for; refused (and audited) for anyone else. */
    PendingApprovals.Pending show(String code, Caller caller, String address) {
        PendingApprovals.Pending found = pending.find(code).orElseThrow(SshApprovals::notFound);
        requireOwner(found, caller, address, "view");
        return found;
    }

    /** Approves or denies the login under {@code code}; only its person may, and only once. */
    PendingApprovals.Pending answer(String code, Caller caller, String address, boolean approve, String reason) {
        PendingApprovals.Pending found = pending.find(code).orElseThrow(SshApprovals::notFound);
        requireOwner(found, caller, address, approve ? "approve" : "deny");
        PendingApprovals.Pending claimed = pending.claim(code).orElseThrow(SshApprovals::notFound);
        Optional<User> person = users.find(claimed.request().person()).filter(user -> !user.disabled());
        if (approve && person.isPresent()) {
            claimed.outcome().complete(Decision.allow(new GatewayUser(person.get().username())));
            record("ssh-approval.approved", caller.name(), claimed, "success", null);
        } else {
            String why = approve ? "the user was disabled" : "denied by " + caller.name() + " in the browser"
                    + (reason == null || reason.isBlank() ? "" : ": " + reason.strip());
            claimed.outcome().complete(Decision.deny(why));
            record("ssh-approval.denied", caller.name(), claimed, "denied", why);
        }
        return claimed;
    }

    /** Ends an approval whose SSH connection closed before an answer. */
    public void withdraw(String code) {
        pending.claim(code).ifPresent(p -> {
            p.outcome().complete(Decision.deny("the connection closed"));
            record("ssh-approval.withdrawn", p.request().person(), p, "denied", "the connection closed");
        });
    }

    private void requireOwner(PendingApprovals.Pending found, Caller caller, String address, String what) {
        if (!found.request().person().equals(caller.name())) {
            String why = "this login is for " + found.request().person() + "; only they may " + what + " it";
            trail.record(new AuditRecord("ssh-approval.refused", caller.name(), "ssh-login:"
                    + found.request().person() + "/" + found.request().target(), null, null, address, "denied", why));
            throw ApiException.forbidden(why);
        }
    }

    private Decision<PendingApproval> refuseRequest(ApprovalRequest request, String reason) {
        trail.record(new AuditRecord("ssh-approval.requested", request.person(), "ssh-login:" + request.person() + "/"
                + request.target(), null, details(request, null), request.source(), "denied", reason));
        return Decision.deny(reason);
    }

    private void record(String type, String actor, PendingApprovals.Pending approval, String outcome, String reason) {
        ApprovalRequest request = approval.request();
        trail.record(new AuditRecord(type, actor, "ssh-login:" + request.person() + "/" + request.target(), null,
                details(request, approval), request.source(), outcome, reason));
    }

    private static Map<String, Object> details(ApprovalRequest request, PendingApprovals.Pending approval) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("person", request.person());
        details.put("target", request.target());
        details.put("source", request.source());
        details.put("clientVersion", request.clientVersion());
        details.put("afterKey", request.keyVerified());
        if (approval != null) {
            details.put("requestedAt", approval.requestedAt().toString());
        }
        return details;
    }

    private static ApiException notFound() {
        return ApiException.notFound("no login is waiting for approval under this code (answered, expired or never"
                + " issued)");
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }
}
