package dev.gatehouse.controlplane.tokens;

import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.config.InvalidSettingException;
import dev.gatehouse.controlplane.security.ApiScope;
import dev.gatehouse.controlplane.security.OpaqueTokens;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first admin API token, named {@code bootstrap}: {@code GATEHOUSE_BOOTSTRAP_TOKEN} when set (accepted from the
 * first start on, and re-pointed if the variable changes), else a random one created on the first start and printed
 * that once. Only its hash is stored.
 */
public final class BootstrapToken {

    static final String NAME = "bootstrap";
    private static final Logger log = LoggerFactory.getLogger(BootstrapToken.class);

    private BootstrapToken() {}

    /** Ensures the bootstrap token exists; returns the secret when it was generated now (to print once). */
    public static Optional<String> ensure(ApiTokenStore store, GatehouseSettings settings, Clock clock) {
        Objects.requireNonNull(store, "store");
        String configured = settings.bootstrapToken();
        boolean exists = store.findByName(NAME).isPresent();
        if (configured != null) {
            if (configured.length() < 16 || configured.length() > 512 || !configured.matches("[\\x21-\\x7e]+")) {
                throw new InvalidSettingException("gatehouse.bootstrap-token",
                        "16 to 512 printable ASCII characters without spaces", "unusable as a bearer token");
            }
            String hash = OpaqueTokens.hash(configured);
            if (!exists) {
                store.insert(token(clock), hash);
                log.info("Admin API token 'bootstrap': accepted from GATEHOUSE_BOOTSTRAP_TOKEN");
            } else if (!store.hashMatches(NAME, hash)) {
                store.replaceSecret(NAME, hash);
                log.warn("Admin API token 'bootstrap': replaced by the new value of GATEHOUSE_BOOTSTRAP_TOKEN");
            }
            return Optional.empty();
        }
        if (exists) {
            return Optional.empty();
        }
        String secret = OpaqueTokens.generate("gh_api_");
        store.insert(token(clock), OpaqueTokens.hash(secret));
        return Optional.of(secret);
    }

    private static ApiToken token(Clock clock) {
        return new ApiToken(UUID.randomUUID(), NAME, ApiScope.ADMIN, null, null, "system", clock.instant());
    }
}
