package dev.gatehouse.controlplane.audit;

import java.util.Objects;

/**
 * One control-plane audit event: an admin change (with its state before and after) or a refused request.
 *
 * @param type    {@code user.created}, {@code api.refused}, ...
 * @param actor   who acted ({@code token:bootstrap}, {@code alice}, {@code anonymous})
 * @param target  what was acted upon ({@code user:alice}, {@code GET /api/v1/hosts})
 * @param outcome {@code success} or {@code denied}
 * @param reason  why a request was refused; null for successes
 */
public record AuditRecord(String type, String actor, String target, Object before, Object after,
        String sourceAddress, String outcome, String reason) {

    public AuditRecord {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(outcome, "outcome");
    }
}
