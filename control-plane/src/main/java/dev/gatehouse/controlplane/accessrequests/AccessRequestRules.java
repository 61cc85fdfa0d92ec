package dev.gatehouse.controlplane.accessrequests;

import dev.gatehouse.controlplane.api.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The bounds on an access request and who may decide it, free of storage so each rule is tested on its own. Every
 * refusal is an {@link ApiException} naming the field or the reason, so the API and the SSH menu say the same thing.
 */
public final class AccessRequestRules {

    /** Longest reason kept: enough for a ticket reference and a sentence, not a document. */
    public static final int MAX_REASON_LENGTH = 500;

    private final int maxMinutes;
    private final int maxPendingPerPerson;

    /**
     * @param maxMinutes the global cap on a grant's length, used when a role names none and bounding any it names
     * @param maxPendingPerPerson how many undecided requests one person may have at once
     */
    public AccessRequestRules(int maxMinutes, int maxPendingPerPerson) {
        if (maxMinutes < 1) {
            throw new IllegalArgumentException("maxMinutes must be at least 1: " + maxMinutes);
        }
        if (maxPendingPerPerson < 1) {
            throw new IllegalArgumentException("maxPendingPerPerson must be at least 1: " + maxPendingPerPerson);
        }
        this.maxMinutes = maxMinutes;
        this.maxPendingPerPerson = maxPendingPerPerson;
    }

    /** Production defaults: a grant of at most eight hours, three requests waiting per person. */
    public static AccessRequestRules defaults() {
        return new AccessRequestRules(8 * 60, 3);
    }

    /** The longest grant a request for a role may ask: the role's own limit, never past the global cap. */
    public int maxMinutesFor(OptionalInt roleMaxMinutes) {
        return Math.min(maxMinutes, roleMaxMinutes.orElse(maxMinutes));
    }

    /**
     * Checks a new request before it is stored.
     *
     * @param reason as sent; blank is refused, surrounding space trimmed
     * @param minutes as sent; null is refused
     * @param rolesHeld the roles the person holds for good (asking for one of them is pointless, so refused)
     * @param pendingNow the person's requests still waiting
     * @return the reason, trimmed
     */
    public String checkNew(
            String role,
            String reason,
            Integer minutes,
            OptionalInt roleMaxMinutes,
            Collection<String> rolesHeld,
            int pendingNow) {
        Objects.requireNonNull(role, "role");
        if (reason == null || reason.isBlank()) {
            throw ApiException.invalid("reason", "say why the access is needed");
        }
        String trimmed = reason.strip();
        if (trimmed.length() > MAX_REASON_LENGTH) {
            throw ApiException.invalid("reason", "at most " + MAX_REASON_LENGTH + " characters");
        }
        if (trimmed.codePoints().anyMatch(c -> Character.isISOControl(c))) {
            throw ApiException.invalid("reason", "control characters are not allowed");
        }
        int cap = maxMinutesFor(roleMaxMinutes);
        if (minutes == null || minutes < 1 || minutes > cap) {
            throw ApiException.invalid("minutes", "between 1 and " + cap + " for role " + role);
        }
        if (rolesHeld.contains(role)) {
            throw ApiException.conflict("role", "already held: " + role);
        }
        if (pendingNow >= maxPendingPerPerson) {
            throw ApiException.conflict(
                    "at most " + maxPendingPerPerson + " requests may wait at once; cancel one or wait for a decision");
        }
        return trimmed;
    }

    /**
     * Whether {@code caller} may approve or deny {@code request}: an admin or one of the role's named approvers, and
     * never the person who asked.
     */
    public static boolean mayDecide(String caller, boolean callerIsAdmin, Collection<String> roleApprovers,
            AccessRequest request) {
        if (caller.equals(request.username())) {
            return false;
        }
        return callerIsAdmin || roleApprovers.contains(caller);
    }

    /** The request once approved at {@code now} by {@code approver}: it grants its role for the minutes it asked. */
    public static AccessRequest approve(AccessRequest request, String approver, Instant now) {
        return approve(request, approver, now, Duration.ofMinutes(1));
    }

    /** As {@link #approve(AccessRequest, String, Instant)} with minutes of length {@code minute} (tests shorten it). */
    public static AccessRequest approve(AccessRequest request, String approver, Instant now, Duration minute) {
        requirePending(request);
        return new AccessRequest(request.id(), request.username(), request.role(), request.reason(), request.minutes(),
                AccessRequest.Status.APPROVED, approver, now, now.plus(minute.multipliedBy(request.minutes())),
                request.createdAt());
    }

    /** The request once denied or cancelled: it never grants anything. */
    public static AccessRequest close(AccessRequest request, AccessRequest.Status outcome, String by, Instant now) {
        if (outcome != AccessRequest.Status.DENIED && outcome != AccessRequest.Status.CANCELLED) {
            throw new IllegalArgumentException("close to denied or cancelled, not " + outcome);
        }
        requirePending(request);
        return new AccessRequest(request.id(), request.username(), request.role(), request.reason(), request.minutes(),
                outcome, by, now, null, request.createdAt());
    }

    /** The approved request once its time is up: the role is taken away as a revocation would. */
    public static AccessRequest expire(AccessRequest request, Instant now) {
        if (request.status() != AccessRequest.Status.APPROVED) {
            throw ApiException.conflict("request " + request.id() + " is " + request.status().wire() + ", not approved");
        }
        if (request.grants(now)) {
            throw new IllegalStateException("request " + request.id() + " runs until " + request.expiresAt());
        }
        return new AccessRequest(request.id(), request.username(), request.role(), request.reason(), request.minutes(),
                AccessRequest.Status.EXPIRED, request.decidedBy(), request.decidedAt(), request.expiresAt(),
                request.createdAt());
    }

    private static void requirePending(AccessRequest request) {
        if (request.status() != AccessRequest.Status.PENDING) {
            throw ApiException.conflict(
                    "request " + request.id() + " is " + request.status().wire() + "; only a pending one can be decided");
        }
    }
}
