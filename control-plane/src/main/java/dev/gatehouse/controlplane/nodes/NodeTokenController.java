package dev.gatehouse.controlplane.nodes;

import dev.gatehouse.controlplane.api.ApiException;
import dev.gatehouse.controlplane.audit.AdminChanges;
import dev.gatehouse.controlplane.audit.AdminChanges.Change;
import dev.gatehouse.controlplane.audit.RequestOrigin;
import dev.gatehouse.controlplane.ca.CertificateAuthorities;
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

/**
 * {@code /api/v1/node-tokens}: one-time tokens a bastion node enrols with. The secret ends with the SHA-256 of the
 * control plane's X.509 CA certificate, so a node given only the token and the URL can check whom it enrols with.
 */
@RestController
@RequestMapping("/api/v1/node-tokens")
final class NodeTokenController {

    private final NodeTokenStore store;
    private final CertificateAuthorities authorities;
    private final AdminChanges changes;
    private final Clock clock;

    NodeTokenController(NodeTokenStore store, CertificateAuthorities authorities, AdminChanges changes, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.authorities = Objects.requireNonNull(authorities, "authorities");
        this.changes = Objects.requireNonNull(changes, "changes");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    record CreateNodeToken(
            @NotNull @Pattern(regexp = NodeToken.BASTION, message = "must be bastion") String role,
            @NotNull @Min(value = 60, message = "must be at least 60") @Max(value = 7 * 24 * 3600, message = "must be at most 604800 (7 days)")
            Long ttlSeconds) {}

    /** The created token; {@code token} is the secret, returned this once only. */
    record CreatedNodeToken(UUID id, String role, Instant expiresAt, String token) {}

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    CreatedNodeToken create(@Valid @RequestBody CreateNodeToken request) {
        Instant now = clock.instant();
        NodeToken token = new NodeToken(UUID.randomUUID(), request.role(), now.plusSeconds(request.ttlSeconds()), null,
                null, null, RequestOrigin.actor(), now);
        String secret = OpaqueTokens.generate("gh_node_") + "." + CaPin.of(authorities.x509().certificate());
        changes.apply("node-token.created", "node-token:" + token.id(), () -> {
            store.insert(token, OpaqueTokens.hash(secret));
            return new Change<>(null, token);
        });
        return new CreatedNodeToken(token.id(), token.role(), token.expiresAt(), secret);
    }

    @GetMapping
    List<NodeToken> list() {
        return store.list();
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revoke(@PathVariable UUID id) {
        NodeToken before = store.find(id).orElseThrow(() -> ApiException.notFound("no node token " + id));
        if (before.revokedAt() != null) {
            return;
        }
        changes.apply("node-token.revoked", "node-token:" + id, () -> {
            store.revoke(id, clock.instant());
            return new Change<>(before, store.find(id).orElseThrow());
        });
    }
}
