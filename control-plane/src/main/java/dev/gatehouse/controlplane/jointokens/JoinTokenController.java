package dev.gatehouse.controlplane.jointokens;

import dev.gatehouse.controlplane.api.ApiException;
import dev.gatehouse.controlplane.api.Names;
import dev.gatehouse.controlplane.audit.AdminChanges;
import dev.gatehouse.controlplane.audit.AdminChanges.Change;
import dev.gatehouse.controlplane.audit.RequestOrigin;
import dev.gatehouse.controlplane.networks.Network;
import dev.gatehouse.controlplane.networks.NetworkStore;
import dev.gatehouse.controlplane.security.OpaqueTokens;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/join-tokens}: one-time tokens that let a tunnel agent join a network. */
@RestController
@RequestMapping("/api/v1/join-tokens")
final class JoinTokenController {

    private final JoinTokenStore store;
    private final NetworkStore networks;
    private final AdminChanges changes;
    private final Clock clock;

    JoinTokenController(JoinTokenStore store, NetworkStore networks, AdminChanges changes, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.networks = Objects.requireNonNull(networks, "networks");
        this.changes = Objects.requireNonNull(changes, "changes");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    record CreateJoinToken(
            @NotNull @Pattern(regexp = Names.NAME, message = Names.NAME_MESSAGE) String network,
            @NotNull @Min(value = 60, message = "must be at least 60") @Max(value = 7 * 24 * 3600, message = "must be at most 604800 (7 days)")
            Long ttlSeconds) {}

    /** The created token; {@code token} is the secret, returned this once only. */
    record CreatedJoinToken(UUID id, String network, Instant expiresAt, String token) {}

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    CreatedJoinToken create(@Valid @RequestBody CreateJoinToken request) {
        if (Network.DIRECT.equals(request.network())) {
            throw ApiException.invalid("network", "'direct' hosts need no agent; name an agent network");
        }
        if (networks.find(request.network()).isEmpty()) {
            throw ApiException.invalid("network", "no network named '" + request.network() + "'; create it first");
        }
        Instant now = clock.instant();
        JoinToken token = new JoinToken(UUID.randomUUID(), request.network(), now.plusSeconds(request.ttlSeconds()), null,
                null, RequestOrigin.actor(), now);
        String secret = OpaqueTokens.generate("gh_join_");
        changes.apply("join-token.created", "network:" + token.network(), () -> {
            store.insert(token, OpaqueTokens.hash(secret));
            return new Change<>(null, token);
        });
        return new CreatedJoinToken(token.id(), token.network(), token.expiresAt(), secret);
    }

    @GetMapping
    List<JoinToken> list() {
        return store.list();
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revoke(@PathVariable UUID id) {
        JoinToken before = store.find(id).orElseThrow(() -> ApiException.notFound("no join token " + id));
        if (before.revokedAt() != null) {
            return;
        }
        changes.apply("join-token.revoked", "network:" + before.network(), () -> {
            store.revoke(id, clock.instant());
            return new Change<>(before, store.find(id).orElseThrow());
        });
    }
}
