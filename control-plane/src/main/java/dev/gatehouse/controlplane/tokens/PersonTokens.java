package dev.gatehouse.controlplane.tokens;

import dev.gatehouse.controlplane.audit.AdminChanges;
import dev.gatehouse.controlplane.audit.AdminChanges.Change;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.springframework.stereotype.Component;

/** The API tokens a person made, which go with the person: revoked when they are disabled or deleted. */
@Component
public final class PersonTokens {

    private final ApiTokenStore store;
    private final AdminChanges changes;
    private final Clock clock;

    PersonTokens(ApiTokenStore store, AdminChanges changes, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.changes = Objects.requireNonNull(changes, "changes");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Revokes every token {@code username} made that still works, each an audit event, in the caller's transaction. */
    public void revokeAll(String username) {
        Instant now = clock.instant();
        for (ApiToken token : store.createdBy(username)) {
            if (token.unusableReason(now) != null) {
                continue;
            }
            changes.apply("api-token.revoked", "api-token:" + token.name(), () -> {
                store.revoke(token.id(), now);
                return new Change<>(ApiTokenController.ApiTokenView.of(token),
                        store.find(token.id()).map(ApiTokenController.ApiTokenView::of).orElseThrow());
            });
        }
    }
}
