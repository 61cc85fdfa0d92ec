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
import dev.gatehouse.sshproxy.access.ApprovalDesk;
import dev.gatehouse.sshproxy.access.ApprovalRequest;
import dev.gatehouse.sshproxy.access.ApprovalRule;
import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.access.PendingApproval;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * SSH logins approved in the browser: who must (roles with {@code requireSso} or {@code requireApproval}), who may
 * (a person with no registered key), the pending approvals, and their answers. Only the person a login is for may
 * answer it; an admin may not answer for someone else (a second factor someone else can give is none). Every step
 * is an audit event ({@code ssh-approval.requested}, {@code .approved}, {@code .denied}, {@code .expired},
 * {@code .withdrawn}, {@code .refused}). The approvals live in PostgreSQL ({@link PendingApprovals}); a login waiting
 * on this control plane (the in-process bastion's, or a bastion node's long poll) is told at once of an answer given
 * here, and within {@link #WATCH} of one given on another control plane.
 */
@Component
public final class SshApprovals implements DisposableBean, ApprovalDesk {

    private static final Logger log = LoggerFactory.getLogger(SshApprovals.class);
    /** How often the logins waiting here are looked up for answers given elsewhere. */
    static final Duration WATCH = Duration.ofMillis(250);
    /** How often expired approvals are ended, and how long ended ones are kept before they are deleted. */
    static final Duration SWEEP = Duration.ofSeconds(1);
    static final Duration KEPT = Duration.ofMinutes(10);

    private final UserStore users;
    private final SshKeyStore keys;
    private final RoleStore roles;
    private final ControlPlaneAudit trail;
    private final String baseUrl;
    private final ScheduledExecutorService timer;
    private final PendingApprovals pending;
    /** The logins waiting on this control plane for an answer, by key; each future completes once. */
    private final Map<String, CompletableFuture<Decision<GatewayUser>>> waiting = new ConcurrentHashMap<>();
    private volatile long lastSweep;

    public SshApprovals(UserStore users, SshKeyStore keys, RoleStore roles, ControlPlaneAudit trail, Clock clock,
            GatehouseSettings settings, JdbcClient jdbc, TransactionTemplate transactions) {
        this.users = Objects.requireNonNull(users, "users");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.roles = Objects.requireNonNull(roles, "roles");
        this.trail = Objects.requireNonNull(trail, "trail");
        this.baseUrl = settings.consoleUrl();
        GatehouseSettings.SshAuth auth = settings.ssh().auth();
        this.pending = new PendingApprovals(jdbc, transactions, clock, new PendingApprovals.Limits(auth.approvalTtl(),
                auth.approvalsPerAddress(), auth.approvalsPerPerson(), auth.approvalsTotal()));
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("ssh-approval-watch").factory());
        timer.scheduleWithFixedDelay(this::watch, WATCH.toMillis(), WATCH.toMillis(), TimeUnit.MILLISECONDS);
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

    /** Opens an approval for a login of the in-process bastion, or says why none may be asked for. */
    @Override
    public Decision<PendingApproval> request(ApprovalRequest request) {
        Decision<PendingApprovals.Opened> opened = open(request, null);
        return opened instanceof Decision.Allowed<PendingApprovals.Opened> a ? Decision.allow(new PendingApproval(
                a.value().code(), url(a.value().code()), pending.ttl(), waiter(a.value().pending().key())))
                : Decision.deny(((Decision.Denied<PendingApprovals.Opened>) opened).reason());
    }

    /**
     * Opens an approval for a login on the bastion node {@code node}, which then asks {@link #await} for its answer:
     * allowed with the code, or denied saying why (audited as on the all-in-one).
     */
    public Decision<String> requestFromNode(ApprovalRequest request, String node) {
        Decision<PendingApprovals.Opened> opened = open(request, Objects.requireNonNull(node, "node"));
        return opened instanceof Decision.Allowed<PendingApprovals.Opened> a ? Decision.allow(a.value().code())
                : Decision.deny(((Decision.Denied<PendingApprovals.Opened>) opened).reason());
    }

    /** The link a client is shown for {@code code}. */
    public String url(String code) {
        return baseUrl + "/approve/" + code;
    }

    public Duration ttl() {
        return pending.ttl();
    }

    private Decision<PendingApprovals.Opened> open(ApprovalRequest request, String node) {
        Optional<User> person = users.find(request.person()).filter(user -> !user.disabled());
        if (person.isEmpty()) {
            return refuseRequest(request, node, "no approval can be asked of " + request.person()
                    + ": unknown or disabled user");
        }
        if (!request.keyVerified() && rule(person.get()) != ApprovalRule.INSTEAD_OF_KEY
                && !keys.forUser(request.person()).isEmpty()) {
            return refuseRequest(request, node, request.person() + " logs in with a registered key; use it");
        }
        Decision<PendingApprovals.Opened> opened = pending.open(request, node);
        if (opened instanceof Decision.Denied<PendingApprovals.Opened> full) {
            return refuseRequest(request, node, full.reason());
        }
        record("ssh-approval.requested", request.person(), ((Decision.Allowed<PendingApprovals.Opened>) opened).value()
                .pending(), "success", null);
        return opened;
    }

    /**
     * The answer to the login waiting under {@code code}, waiting up to {@code hold} for one: empty while it still
     * waits; denied when no login waits under that code.
     */
    public Optional<Decision<GatewayUser>> await(String code, Duration hold) {
        String key = PendingApprovals.key(code);
        // Listened for before it is looked up: an answer between the two still completes the future.
        CompletableFuture<Decision<GatewayUser>> answer = waiter(key);
        Optional<PendingApprovals.Row> row = pending.row(key);
        if (row.isEmpty()) {
            waiting.remove(key, answer);
            return Optional.of(Decision.deny("no login is waiting for approval under this code"));
        }
        if (row.get().state() != PendingApprovals.State.PENDING) {
            complete(key, outcome(row.get()));
            return Optional.of(outcome(row.get()));
        }
        try {
            return Optional.of(answer.get(hold.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.of(Decision.deny("the approval failed"));
        }
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
        boolean enabled = users.find(found.request().person()).filter(user -> !user.disabled()).isPresent();
        String why = approve ? (enabled ? null : "the user was disabled") : "denied by " + caller.name()
                + " in the browser" + (reason == null || reason.isBlank() ? "" : ": " + reason.strip());
        PendingApprovals.State to = approve && enabled ? PendingApprovals.State.APPROVED : PendingApprovals.State.DENIED;
        PendingApprovals.Row claimed = pending.end(code, to, caller.name(), why, true)
                .orElseThrow(SshApprovals::notFound);
        if (to == PendingApprovals.State.APPROVED) {
            record("ssh-approval.approved", caller.name(), claimed.pending(), "success", null);
        } else {
            record("ssh-approval.denied", caller.name(), claimed.pending(), "denied", why);
        }
        complete(claimed.pending().key(), outcome(claimed));
        return claimed.pending();
    }

    /** Ends an approval whose SSH connection closed before an answer. */
    @Override
    public void withdraw(String code) {
        pending.end(code, PendingApprovals.State.WITHDRAWN, null, "the connection closed", false).ifPresent(p -> {
            record("ssh-approval.withdrawn", p.pending().request().person(), p.pending(), "denied", p.reason());
            complete(p.pending().key(), outcome(p));
        });
    }

    /** Ends what expired (every {@link #SWEEP}) and tells the logins waiting here of answers given elsewhere. */
    private void watch() {
        try {
            long now = System.nanoTime();
            if (now - lastSweep >= SWEEP.toNanos()) {
                lastSweep = now;
                for (PendingApprovals.Row expired : pending.expire("not approved within " + pending.ttl().toSeconds()
                        + " s")) {
                    record("ssh-approval.expired", expired.pending().request().person(), expired.pending(), "denied",
                            expired.reason());
                    complete(expired.pending().key(), outcome(expired));
                }
                pending.purge(KEPT);
            }
            if (!waiting.isEmpty()) {
                pending.ended(waiting.keySet()).forEach(row -> complete(row.pending().key(), outcome(row)));
            }
        } catch (RuntimeException e) {
            // The next round tries again; a login waiting meanwhile is answered late, not wrongly.
            log.warn("pending SSH approvals not checked: {}", e.toString());
        }
    }

    private CompletableFuture<Decision<GatewayUser>> waiter(String key) {
        return waiting.computeIfAbsent(key, k -> new CompletableFuture<>());
    }

    private void complete(String key, Decision<GatewayUser> outcome) {
        CompletableFuture<Decision<GatewayUser>> answer = waiting.remove(key);
        if (answer != null) {
            answer.complete(outcome);
        }
    }

    private static Decision<GatewayUser> outcome(PendingApprovals.Row row) {
        return row.state() == PendingApprovals.State.APPROVED
                ? Decision.allow(new GatewayUser(row.pending().request().person()))
                : Decision.deny(row.reason() == null ? "not approved" : row.reason());
    }

    private void requireOwner(PendingApprovals.Pending found, Caller caller, String address, String what) {
        if (!found.request().person().equals(caller.name())) {
            String why = "this login is for " + found.request().person() + "; only they may " + what + " it";
            trail.record(new AuditRecord("ssh-approval.refused", caller.name(), "ssh-login:"
                    + found.request().person() + "/" + found.request().target(), null, null, address, "denied", why));
            throw ApiException.forbidden(why);
        }
    }

    private <T> Decision<T> refuseRequest(ApprovalRequest request, String node, String reason) {
        trail.record(new AuditRecord("ssh-approval.requested", request.person(), "ssh-login:" + request.person() + "/"
                + request.target(), null, details(request, node, null), request.source(), "denied", reason));
        return Decision.deny(reason);
    }

    private void record(String type, String actor, PendingApprovals.Pending approval, String outcome, String reason) {
        ApprovalRequest request = approval.request();
        trail.record(new AuditRecord(type, actor, "ssh-login:" + request.person() + "/" + request.target(), null,
                details(request, approval.node(), approval), request.source(), outcome, reason));
    }

    private static Map<String, Object> details(ApprovalRequest request, String node,
            PendingApprovals.Pending approval) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("person", request.person());
        details.put("target", request.target());
        details.put("source", request.source());
        details.put("clientVersion", request.clientVersion());
        details.put("afterKey", request.keyVerified());
        if (node != null) {
            details.put("node", node);
        }
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
