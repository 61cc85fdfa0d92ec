package dev.gatehouse.controlplane.jointokens;

import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import dev.gatehouse.controlplane.security.OpaqueTokens;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** Redeems join tokens for the tunnel issue's agent enrolment: each token works once, before it expires. */
@Component
public final class JoinTokens {

    private final JoinTokenStore store;
    private final ControlPlaneAudit trail;
    private final TransactionTemplate transactions;
    private final Clock clock;

    public JoinTokens(JoinTokenStore store, ControlPlaneAudit trail, TransactionTemplate transactions, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.trail = Objects.requireNonNull(trail, "trail");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Consumes {@code secret}: returns the network it admits to, or empty when it is unknown, used, revoked or
     * expired. Either way the attempt is an audit event.
     */
    public Optional<String> redeem(String secret, String agentName, String sourceAddress) {
        return transactions.execute(status -> {
            Optional<JoinToken> token = store.consume(OpaqueTokens.hash(secret), clock.instant());
            trail.record(new AuditRecord("agent.join", "agent:" + agentName,
                    token.map(t -> "network:" + t.network()).orElse("join-token"), null,
                    token.map(t -> Map.<String, Object>of("joinToken", t.id().toString())).orElse(null), sourceAddress,
                    token.isPresent() ? "success" : "denied",
                    token.isPresent() ? null : "join token unknown, already used, revoked or expired"));
            return token.map(JoinToken::network);
        });
    }
}
