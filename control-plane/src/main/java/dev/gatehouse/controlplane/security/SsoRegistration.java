package dev.gatehouse.controlplane.security;

import dev.gatehouse.controlplane.config.GatehouseSettings;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * The console as a client of the OIDC issuer: endpoints from the issuer's discovery document, fetched on the first
 * sign-in (so the gateway starts while the issuer is down) and kept once fetched.
 */
final class SsoRegistration implements ClientRegistrationRepository {

    static final String ID = "oidc";

    private final GatehouseSettings.Oidc settings;
    private final String redirectUri;
    private final AtomicReference<ClientRegistration> discovered = new AtomicReference<>();

    SsoRegistration(GatehouseSettings.Oidc settings, String redirectUri) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.redirectUri = Objects.requireNonNull(redirectUri, "redirectUri");
    }

    @Override
    public ClientRegistration findByRegistrationId(String registrationId) {
        if (!ID.equals(registrationId)) {
            return null;
        }
        ClientRegistration known = discovered.get();
        if (known != null) {
            return known;
        }
        boolean secret = settings.clientSecret() != null && !settings.clientSecret().isBlank();
        ClientRegistration registration = ClientRegistrations.fromIssuerLocation(settings.issuerUri().toString())
                .registrationId(ID)
                .clientId(settings.signInClientId())
                .clientSecret(secret ? settings.clientSecret() : null)
                .clientAuthenticationMethod(secret ? ClientAuthenticationMethod.CLIENT_SECRET_BASIC
                        : ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri(redirectUri)
                .scope(settings.scopes())
                .userNameAttributeName(settings.usernameClaim())
                .clientName(settings.displayName())
                .build();
        discovered.compareAndSet(null, registration);
        return discovered.get();
    }
}
