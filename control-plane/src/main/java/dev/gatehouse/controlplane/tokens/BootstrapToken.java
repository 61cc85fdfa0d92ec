package dev.gatehouse.controlplane.tokens;

import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.config.OwnerOnly;
import dev.gatehouse.controlplane.config.InvalidSettingException;
import dev.gatehouse.controlplane.security.ApiScope;
import dev.gatehouse.controlplane.security.OpaqueTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first admin API token, named {@code bootstrap}: {@code GATEHOUSE_BOOTSTRAP_TOKEN} when set, else a random one,
 * created only while the database has never had one. It expires {@code gatehouse.bootstrap-token-ttl} after creation
 * (24 h unless set; 0 keeps it). Once it exists the variable is ignored, so a revocation or expiry sticks across
 * restarts. Only its hash is stored and the secret is never logged.
 */
public final class BootstrapToken {

    static final String NAME = "bootstrap";
    static final String FILE_NAME = "bootstrap-token";
    private static final Logger log = LoggerFactory.getLogger(BootstrapToken.class);

    private BootstrapToken() {}

    /** Ensures the bootstrap token was created once; returns the secret when it was generated now (to hand out once). */
    public static Optional<String> ensure(ApiTokenStore store, GatehouseSettings settings, Clock clock) {
        Objects.requireNonNull(store, "store");
        String configured = settings.bootstrapToken();
        if (configured != null && (configured.length() < 16 || configured.length() > 512
                || !configured.matches("[\\x21-\\x7e]+"))) {
            throw new InvalidSettingException("gatehouse.bootstrap-token",
                    "16 to 512 printable ASCII characters without spaces", "unusable as a bearer token");
        }
        if (settings.bootstrapTokenTtl().isNegative()) {
            throw new InvalidSettingException("gatehouse.bootstrap-token-ttl", "a duration such as 24h, or 0 for never",
                    "negative");
        }
        Optional<ApiToken> existing = store.findByName(NAME);
        if (existing.isPresent()) {
            if (configured != null && !store.hashMatches(NAME, OpaqueTokens.hash(configured))) {
                // Seeding only into a database that never had one keeps a revocation revoked.
                log.warn("GATEHOUSE_BOOTSTRAP_TOKEN is ignored: the admin API token 'bootstrap' was created before{}",
                        existing.get().unusableReason(clock.instant()) == null ? "" : " and can no longer be used");
            }
            return Optional.empty();
        }
        if (configured != null) {
            store.insert(token(settings, clock), OpaqueTokens.hash(configured));
            log.info("Admin API token 'bootstrap': accepted from GATEHOUSE_BOOTSTRAP_TOKEN{}", expiry(settings));
            return Optional.empty();
        }
        String secret = OpaqueTokens.generate("gh_api_");
        store.insert(token(settings, clock), OpaqueTokens.hash(secret));
        log.info("Admin API token 'bootstrap': generated{}", expiry(settings));
        return Optional.of(secret);
    }

    /** Writes a generated token to {@code <data-dir>/bootstrap-token}, readable by the owner only; returns the path. */
    public static Path writeOwnerOnly(Path dataDir, String secret) {
        Path file = dataDir.resolve(FILE_NAME).toAbsolutePath().normalize();
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            OwnerOnly.createFile(file, secret + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the generated admin API token to " + file, e);
        }
    }

    private static ApiToken token(GatehouseSettings settings, Clock clock) {
        Duration ttl = settings.bootstrapTokenTtl();
        return new ApiToken(UUID.randomUUID(), NAME, ApiScope.ADMIN, ttl.isZero() ? null : clock.instant().plus(ttl),
                null, "system", clock.instant());
    }

    private static String expiry(GatehouseSettings settings) {
        Duration ttl = settings.bootstrapTokenTtl();
        return ttl.isZero() ? " (does not expire)" : " (expires in " + ttl + "; gatehouse.bootstrap-token-ttl)";
    }
}
