package dev.gatehouse.controlplane.keys;

import dev.gatehouse.controlplane.users.User;
import dev.gatehouse.controlplane.users.UserStore;
import dev.gatehouse.pki.ssh.SshPublicKey;
import java.security.PublicKey;
import java.util.Objects;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Who a presented SSH key belongs to: the bastion's first question about any connection. */
@Component
public final class KeyOwners {

    private final SshKeyStore keys;
    private final UserStore users;

    public KeyOwners(SshKeyStore keys, UserStore users) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.users = Objects.requireNonNull(users, "users");
    }

    /** The user owning {@code key}, disabled or not (the policy engine refuses disabled users with a reason). */
    public Optional<User> ownerOf(PublicKey key) {
        return keys.findByFingerprint(SshPublicKey.fingerprint(key)).flatMap(k -> users.find(k.username()));
    }
}
