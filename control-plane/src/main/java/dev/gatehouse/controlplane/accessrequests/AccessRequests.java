package dev.gatehouse.controlplane.accessrequests;

import dev.gatehouse.controlplane.api.ApiException;
import dev.gatehouse.controlplane.api.Names;
import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import dev.gatehouse.controlplane.revocation.AccessChangeLog;
import dev.gatehouse.controlplane.roles.Role;
import dev.gatehouse.controlplane.roles.RoleStore;
import dev.gatehouse.controlplane.users.User;
import dev.gatehouse.controlplane.users.UserStore;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Access requests from asking to expiry, for the API and the SSH menu alike. Every move is an audit event stored with
 * it; every refusal is audited too ({@code access-request.refused}) and thrown as an {@link ApiException}.
 */
public final class AccessRequests {

    /** Longest list answered at once. */
    static final int MAX_LISTED = 200;
    private static final int SWEEP_BATCH = 100;

    /** Who acts: an audit name, and whether they hold the admin scope. */
    public record Actor(String name, boolean admin, String sourceAddress) {
        public Actor {
            Objects.requireNonNull(name, "name");
        }
    }

    private final AccessRequestStore store;
    private final UserStore users;
    private final RoleStore roles;
    private final AccessChangeLog accessChanges;
    private final ControlPlaneAudit trail;
    private final TransactionTemplate transactions;
    private final AccessRequestRules rules;
    private final AccessRequestSettings settings;
    private final Clock clock;

    AccessRequests(AccessRequestStore store, UserStore users, RoleStore roles, AccessChangeLog accessChanges,
            ControlPlaneAudit trail, TransactionTemplate transactions, AccessRequestSettings settings, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.users = Objects.requireNonNull(users, "users");
        this.roles = Objects.requireNonNull(roles, "roles");
        this.accessChanges = Objects.requireNonNull(accessChanges, "accessChanges");
        this.trail = Objects.requireNonNull(trail, "trail");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.rules = new AccessRequestRules(settings.maxMinutes(), settings.maxPendingPerPerson());
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code actor} asks for {@code role} for {@code minutes}; only a person with an account may ask, for themselves. */
    public AccessRequest request(Actor actor, String role, String reason, Integer minutes) {
        if (role == null || !role.matches(Names.NAME)) {
            return audited(actor, "role", () -> {
                throw ApiException.invalid("role", Names.NAME_MESSAGE);
            });
        }
        return audited(actor, "role:" + role, () -> {
            User person = users.findForUpdate(actor.name()).filter(u -> !u.disabled()).orElseThrow(
                    () -> ApiException.forbidden("only an enabled person of this gateway may request access; '"
                            + actor.name() + "' is not one"));
            Role wanted = roles.find(role).orElseThrow(() -> ApiException.invalid("role", "no role named '" + role + "'"));
            Instant now = clock.instant();
            Set<String> held = new HashSet<>(person.roles());
            held.addAll(store.grantedRoles(person.username(), now));
            String trimmed = rules.checkNew(role, reason, minutes, maxMinutes(wanted), held,
                    store.countPending(person.username()));
            AccessRequest created = new AccessRequest(UUID.randomUUID(), person.username(), role, trimmed, minutes,
                    AccessRequest.Status.PENDING, null, null, null, now);
            store.insert(created);
            record("access-request.requested", actor, created, null);
            return created;
        });
    }

    /** The longest grant a request for {@code role} may ask, for forms and prompts. */
    public int maxMinutesFor(Role role) {
        return rules.maxMinutesFor(maxMinutes(role));
    }

    public AccessRequest approve(Actor actor, UUID id) {
        return decide(actor, id, "access-request.approved",
                request -> AccessRequestRules.approve(request, actor.name(), clock.instant(), settings.minute()));
    }

    public AccessRequest deny(Actor actor, UUID id) {
        return decide(actor, id, "access-request.denied",
                request -> AccessRequestRules.close(request, AccessRequest.Status.DENIED, actor.name(), clock.instant()));
    }

    /** The person who asked withdraws a request still waiting. */
    public AccessRequest cancel(Actor actor, UUID id) {
        return audited(actor, "access-request:" + id, () -> {
            AccessRequest request = stored(id);
            if (!request.username().equals(actor.name())) {
                throw ApiException.forbidden("only the person who asked may cancel a request");
            }
            return move("access-request.cancelled", actor, request, AccessRequestRules.close(request,
                    AccessRequest.Status.CANCELLED, actor.name(), clock.instant()));
        });
    }

    /** One request, for the person who asked, those who may decide it, and admins and auditors. */
    public AccessRequest find(Actor actor, boolean auditor, UUID id) {
        AccessRequest request = store.find(id).orElseThrow(() -> notFound(id));
        if (auditor || request.username().equals(actor.name()) || mayDecide(actor, request)) {
            return request;
        }
        throw notFound(id);
    }

    public List<AccessRequest> mine(Actor actor) {
        return store.listFor(actor.name(), MAX_LISTED);
    }

    /** The requests waiting that {@code actor} may decide (never their own). */
    public List<AccessRequest> toDecide(Actor actor) {
        return store.listPending(MAX_LISTED).stream().filter(request -> mayDecide(actor, request)).toList();
    }

    /**
     * Closes grants whose time is up, each an {@code access-request.expired} event, and marks their holders' access as
     * changed so bastions end the sessions that needed the role. The role stops counting at expiry whether or not this
     * has run yet; this makes it visible and ends what is live. Returns how many it closed.
     */
    public int sweep() {
        Instant now = clock.instant();
        int closed = 0;
        for (AccessRequest lapsed : store.lapsed(now, SWEEP_BATCH)) {
            Boolean moved = transactions.execute(status -> {
                AccessRequest expired = AccessRequestRules.expire(lapsed, now);
                if (!store.move(expired, AccessRequest.Status.APPROVED)) {
                    return false;
                }
                trail.record(new AuditRecord("access-request.expired", "system", target(lapsed), lapsed, expired, null,
                        "success", null));
                accessChanges.record(lapsed.username(), "the access request for role " + lapsed.role() + " expired");
                return true;
            });
            closed += Boolean.TRUE.equals(moved) ? 1 : 0;
        }
        return closed;
    }

    private AccessRequest decide(Actor actor, UUID id, String type,
            java.util.function.UnaryOperator<AccessRequest> outcome) {
        return audited(actor, "access-request:" + id, () -> {
            AccessRequest request = stored(id);
            if (!mayDecide(actor, request)) {
                throw ApiException.forbidden(request.username().equals(actor.name())
                        ? "a request cannot be decided by the person who asked"
                        : "only an admin or an approver of role '" + request.role() + "' may decide this request");
            }
            return move(type, actor, request, outcome.apply(request));
        });
    }

    private AccessRequest move(String type, Actor actor, AccessRequest before, AccessRequest after) {
        if (!store.move(after, before.status())) {
            throw ApiException.conflict("request " + before.id() + " was decided meanwhile");
        }
        record(type, actor, after, before);
        return after;
    }

    private AccessRequest stored(UUID id) {
        return store.find(id).orElseThrow(() -> notFound(id));
    }

    private boolean mayDecide(Actor actor, AccessRequest request) {
        List<String> approvers = roles.find(request.role()).map(Role::approvers).orElse(List.of());
        return AccessRequestRules.mayDecide(actor.name(), actor.admin(), approvers, request);
    }

    private <T> T audited(Actor actor, String target, Supplier<T> work) {
        try {
            return transactions.execute(status -> work.get());
        } catch (ApiException e) {
            trail.record(new AuditRecord("access-request.refused", actor.name(), target, null, null,
                    actor.sourceAddress(), "denied", e.getMessage()));
            throw e;
        }
    }

    private void record(String type, Actor actor, AccessRequest after, AccessRequest before) {
        trail.record(new AuditRecord(type, actor.name(), target(after), before, after, actor.sourceAddress(), "success",
                null));
    }

    private static String target(AccessRequest request) {
        return "access-request:" + request.id();
    }

    private static OptionalInt maxMinutes(Role role) {
        return role.maxRequestMinutes() == null ? OptionalInt.empty() : OptionalInt.of(role.maxRequestMinutes());
    }

    private static ApiException notFound(UUID id) {
        return ApiException.notFound("no access request " + id);
    }
}
