package dev.gatehouse.controlplane.tokens;

import dev.gatehouse.controlplane.security.Caller;
import dev.gatehouse.controlplane.security.CallerAuthentication;
import dev.gatehouse.controlplane.security.OpaqueTokens;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Accepts a bearer token that is one of our API tokens. A token we do not know is passed on (returns null) when it
 * looks like a JWT and an OIDC issuer is configured; otherwise it is refused.
 */
public final class ApiTokenAuthenticationProvider implements AuthenticationProvider {

    private final ApiTokenStore store;
    private final Clock clock;
    private final boolean jwtsAccepted;

    public ApiTokenAuthenticationProvider(ApiTokenStore store, Clock clock, boolean jwtsAccepted) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.jwtsAccepted = jwtsAccepted;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String secret = ((BearerTokenAuthenticationToken) authentication).getToken();
        Optional<ApiToken> token = store.findByHash(OpaqueTokens.hash(secret));
        if (token.isEmpty()) {
            if (jwtsAccepted && secret.chars().filter(c -> c == '.').count() == 2) {
                return null;
            }
            throw new InvalidBearerTokenException("unknown API token");
        }
        String unusable = token.get().unusableReason(clock.instant());
        if (unusable != null) {
            throw new InvalidBearerTokenException(unusable);
        }
        return new CallerAuthentication(new Caller("token:" + token.get().name(), token.get().scope(), "api-token"));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
