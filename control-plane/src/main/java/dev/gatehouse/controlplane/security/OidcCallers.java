package dev.gatehouse.controlplane.security;

import dev.gatehouse.controlplane.config.GatehouseSettings;
import java.util.Collection;
import java.util.Objects;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/**
 * Maps a validated JWT from the configured OIDC issuer to a {@link Caller}: the person is
 * {@code oidc:<gatehouse.oidc.username-claim>} (default {@code sub}), a namespace no local user name can enter, the scope from the groups in {@code roles-claim} through
 * {@code scope-mapping} (admin wins over auditor; no mapped group, no scope).
 */
final class OidcCallers implements Converter<Jwt, AbstractAuthenticationToken> {

    /** OIDC people's names start with this; local user names cannot contain ':'. */
    static final String PREFIX = "oidc:";

    private final GatehouseSettings.Oidc settings;

    OidcCallers(GatehouseSettings.Oidc settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        String username = jwt.getClaimAsString(settings.usernameClaim());
        if (username == null || username.isBlank()) {
            throw new InvalidBearerTokenException("the token has no '" + settings.usernameClaim() + "' claim naming the user");
        }
        return new CallerAuthentication(new Caller(PREFIX + username, scope(jwt.getClaim(settings.rolesClaim())), "oidc"));
    }

    /** The scope {@code groups} (a claim's value: a list, or names separated by spaces or commas) map to, or null. */
    ApiScope scope(Object groups) {
        Collection<?> names = switch (groups) {
            case Collection<?> c -> c;
            case String s -> java.util.List.of(s.split("[ ,]+"));
            case null, default -> java.util.List.of();
        };
        ApiScope granted = null;
        for (Object name : names) {
            GatehouseSettings.ApiScopeName mapped = settings.scopeMapping().get(String.valueOf(name));
            if (mapped == GatehouseSettings.ApiScopeName.ADMIN) {
                return ApiScope.ADMIN;
            }
            if (mapped == GatehouseSettings.ApiScopeName.AUDITOR) {
                granted = ApiScope.AUDITOR;
            }
        }
        return granted;
    }

}
