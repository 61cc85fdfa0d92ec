package dev.gatehouse.controlplane.audit;

import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs an admin change and records its audit event in the same transaction: both are stored, or neither is.
 */
@Component
public final class AdminChanges {

    private final TransactionTemplate transactions;
    private final ControlPlaneAudit trail;

    public AdminChanges(TransactionTemplate transactions, ControlPlaneAudit trail) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.trail = Objects.requireNonNull(trail, "trail");
    }

    /**
     * Applies {@code work} and records event {@code type} on {@code target} with the states it reports.
     * Returns the state after the change.
     */
    public <T> T apply(String type, String target, Supplier<Change<T>> work) {
        return transactions.execute(status -> {
            Change<T> change = work.get();
            trail.record(new AuditRecord(type, RequestOrigin.actor(), target, change.before(), change.after(),
                    RequestOrigin.sourceAddress(), "success", null));
            return change.after();
        });
    }

    /** What a change did: the state before (null on creation) and after (null on deletion). */
    public record Change<T>(Object before, T after) {}
}
