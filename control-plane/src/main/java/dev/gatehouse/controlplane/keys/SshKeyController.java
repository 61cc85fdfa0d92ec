package dev.gatehouse.controlplane.keys;

import dev.gatehouse.controlplane.api.ApiException;
import dev.gatehouse.controlplane.audit.AdminChanges;
import dev.gatehouse.controlplane.audit.AdminChanges.Change;
import dev.gatehouse.controlplane.revocation.AccessChangeLog;
import dev.gatehouse.controlplane.users.UserStore;
import dev.gatehouse.pki.ssh.InvalidSshKeyException;
import dev.gatehouse.pki.ssh.SshPublicKey;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** {@code /api/v1/users/{username}/keys}: the SSH public keys a person logs in to the bastion with. */
@RestController
@RequestMapping("/api/v1/users/{username}/keys")
final class SshKeyController {

    private final SshKeyStore keys;
    private final UserStore users;
    private final AdminChanges changes;
    private final AccessChangeLog accessChanges;
    private final Clock clock;

    SshKeyController(SshKeyStore keys, UserStore users, AdminChanges changes, AccessChangeLog accessChanges,
            Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.users = Objects.requireNonNull(users, "users");
        this.changes = Objects.requireNonNull(changes, "changes");
        this.accessChanges = Objects.requireNonNull(accessChanges, "accessChanges");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code publicKey}: one line in OpenSSH format, as in {@code ~/.ssh/id_ed25519.pub}. */
    record AddKey(@NotNull @Size(max = SshPublicKey.MAX_LINE_CHARS, message = "must be at most 16384 characters")
            String publicKey) {}

    @PostMapping
    ResponseEntity<SshKey> add(@PathVariable String username, @Valid @RequestBody AddKey request) {
        SshPublicKey parsed;
        try {
            parsed = SshPublicKey.parse(request.publicKey());
        } catch (InvalidSshKeyException e) {
            throw ApiException.invalid("publicKey", e.getMessage());
        }
        SshKey key = new SshKey(UUID.randomUUID(), username, parsed.fingerprint(), parsed.algorithm(),
                parsed.openSshLine(), parsed.comment().isEmpty() ? null : parsed.comment(), clock.instant());
        changes.apply("user.key-added", "user:" + username, () -> {
            if (users.findForUpdate(username).isEmpty()) {
                throw ApiException.notFound("no user named '" + username + "'");
            }
            keys.findByFingerprint(key.fingerprint()).ifPresent(existing -> {
                throw ApiException.conflict("publicKey", existing.username().equals(username)
                        ? "this key (" + key.fingerprint() + ") is already registered for '" + username + "'"
                        : "this key (" + key.fingerprint() + ") belongs to another user; a key identifies one person");
            });
            keys.insert(key);
            return new Change<>(null, key);
        });
        return ResponseEntity.created(ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}")
                .buildAndExpand(key.id()).toUri()).body(key);
    }

    @GetMapping
    List<SshKey> list(@PathVariable String username) {
        if (users.find(username).isEmpty()) {
            throw ApiException.notFound("no user named '" + username + "'");
        }
        return keys.forUser(username);
    }

    @GetMapping("/{id}")
    SshKey get(@PathVariable String username, @PathVariable UUID id) {
        return keys.find(username, id).orElseThrow(() -> notFound(username, id));
    }

    /** Removes the key: the next connection with it is refused, and the live ones end within seconds. */
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String username, @PathVariable UUID id) {
        changes.apply("user.key-removed", "user:" + username, () -> {
            SshKey before = keys.find(username, id).orElseThrow(() -> notFound(username, id));
            keys.delete(id);
            accessChanges.record(username, "key removed");
            return new Change<>(before, null);
        });
    }

    private static ApiException notFound(String username, UUID id) {
        return ApiException.notFound("user '" + username + "' has no key " + id);
    }
}
