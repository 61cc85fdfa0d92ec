package dev.gatehouse.controlplane.tokens;

import dev.gatehouse.controlplane.api.ApiException;
import dev.gatehouse.controlplane.api.Names;
import dev.gatehouse.controlplane.audit.AdminChanges;
import dev.gatehouse.controlplane.audit.AdminChanges.Change;
import dev.gatehouse.controlplane.audit.RequestOrigin;
import dev.gatehouse.controlplane.security.ApiScope;
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

/** {@code /api/v1/api-tokens}: named, scoped, expiring bearer tokens; the secret is shown once, on creation. */
@RestController
@RequestMapping("/api/v1/api-tokens")
final class ApiTokenController {

    private static final long DEFAULT_TTL_SECONDS = 90L * 24 * 3600;

    private final ApiTokenStore store;
    private final AdminChanges changes;
    private final Clock clock;

    ApiTokenController(ApiTokenStore store, AdminChanges changes, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.changes = Objects.requireNonNull(changes, "changes");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    record CreateApiToken(
            @NotNull @Pattern(regexp = Names.NAME, message = Names.NAME_MESSAGE) String name,
            @NotNull @Pattern(regexp = "admin|auditor", message = "must be admin or auditor") String scope,
            @Min(value = 60, message = "must be at least 60") @Max(value = 3L * 365 * 24 * 3600, message = "must be at most 3 years")
            Long ttlSeconds) {}

    /** The created token: {@code token} is the secret, returned this once only. */
    record CreatedApiToken(UUID id, String name, String scope, Instant expiresAt, String token) {}

    record ApiTokenView(UUID id, String name, String scope, Instant expiresAt, Instant revokedAt, String createdBy,
            Instant createdAt) {
        static ApiTokenView of(ApiToken t) {
            return new ApiTokenView(t.id(), t.name(), t.scope().wireName(), t.expiresAt(), t.revokedAt(), t.createdBy(),
                    t.createdAt());
        }
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    CreatedApiToken create(@Valid @RequestBody CreateApiToken request) {
        if (store.findByName(request.name()).isPresent()) {
            throw ApiException.conflict("name", "an API token named '" + request.name() + "' exists");
        }
        Instant now = clock.instant();
        long ttl = request.ttlSeconds() == null ? DEFAULT_TTL_SECONDS : request.ttlSeconds();
        ApiToken token = new ApiToken(UUID.randomUUID(), request.name(), ApiScope.fromWireName(request.scope()),
                now.plusSeconds(ttl), null, RequestOrigin.actor(), now);
        String secret = OpaqueTokens.generate("gh_api_");
        changes.apply("api-token.created", "api-token:" + token.name(), () -> {
            store.insert(token, OpaqueTokens.hash(secret));
            return new Change<>(null, ApiTokenView.of(token));
        });
        return new CreatedApiToken(token.id(), token.name(), token.scope().wireName(), token.expiresAt(), secret);
    }

    @GetMapping
    List<ApiTokenView> list() {
        return store.list().stream().map(ApiTokenView::of).toList();
    }

    @GetMapping("/{id}")
    ApiTokenView get(@PathVariable UUID id) {
        return store.find(id).map(ApiTokenView::of).orElseThrow(() -> ApiException.notFound("no API token " + id));
    }

    /** Revokes the token at once; it stays listed, marked revoked, for the record. */
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revoke(@PathVariable UUID id) {
        ApiToken before = store.find(id).orElseThrow(() -> ApiException.notFound("no API token " + id));
        if (before.revokedAt() != null) {
            return;
        }
        changes.apply("api-token.revoked", "api-token:" + before.name(), () -> {
            store.revoke(id, clock.instant());
            return new Change<>(ApiTokenView.of(before), store.find(id).map(ApiTokenView::of).orElseThrow());
        });
    }
}
