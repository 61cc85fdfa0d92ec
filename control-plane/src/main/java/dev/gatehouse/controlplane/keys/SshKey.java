package dev.gatehouse.controlplane.keys;

import java.time.Instant;
import java.util.UUID;

/** A user's SSH public key: {@code fingerprint} is {@code SHA256:...} as {@code ssh-keygen -l} prints it. */
public record SshKey(UUID id, String username, String fingerprint, String algorithm, String publicKey, String comment,
        Instant createdAt) {}
