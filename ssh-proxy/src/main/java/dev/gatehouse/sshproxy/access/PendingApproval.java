package dev.gatehouse.sshproxy.access;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * An approval asked for: the {@code code} and {@code url} the client is shown, how long it stays open ({@code ttl}),
 * and its {@code outcome}: allowed with the person once they approve, denied with the reason when they deny, it
 * expires or it is withdrawn. The outcome completes on the approver's thread; nothing waits on it.
 */
public record PendingApproval(String code, String url, Duration ttl, CompletionStage<Decision<GatewayUser>> outcome) {

    public PendingApproval {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(outcome, "outcome");
    }
}
