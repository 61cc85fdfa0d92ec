package dev.gatehouse.controlplane.security;

import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.users.UserStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

/**
 * The console's single sign-on (authorization code with PKCE, state and nonce checked by Spring Security's OAuth2
 * login): {@code GET /api/v1/session/oidc} sends the browser to the issuer, which sends it back to
 * {@code /api/v1/session/oidc/callback}; a valid ID token for a person {@link SsoPeople} accepts begins a console
 * session like the password sign-in's. Every sign-in and refusal is an audit event ({@code console.login}); a refused
 * browser lands on the console's sign-in page with {@code ?sign-in=<code>}, never with the issuer's text.
 */
final class ConsoleSingleSignOn implements AuthenticationSuccessHandler, AuthenticationFailureHandler {

    static final String START_PATH = SecurityConfiguration.LOGIN_PATH + "/oidc";
    static final String CALLBACK_PATH = START_PATH + "/callback";

    private final ControlPlaneAudit trail;
    private final RefusalHandler refusals;
    private final Clock clock;
    private final String console;

    private ConsoleSingleSignOn(ControlPlaneAudit trail, RefusalHandler refusals, Clock clock, String console) {
        this.trail = Objects.requireNonNull(trail, "trail");
        this.refusals = Objects.requireNonNull(refusals, "refusals");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.console = Objects.requireNonNull(console, "console");
    }

    /** Adds the sign-in to {@code http} when {@code gatehouse.oidc.redirect-base} is set. */
    static void configure(HttpSecurity http, GatehouseSettings.Oidc settings, UserStore users, JdbcClient jdbc,
            ControlPlaneAudit trail, RefusalHandler refusals, Clock clock) throws Exception {
        if (!settings.signInEnabled()) {
            return;
        }
        String base = settings.redirectBase().toString().replaceAll("/+$", "");
        SsoRegistration registration = new SsoRegistration(settings, base + CALLBACK_PATH);
        ConsoleSingleSignOn handler = new ConsoleSingleSignOn(trail, refusals, clock, base + "/");
        DefaultOAuth2AuthorizationRequestResolver resolver =
                new DefaultOAuth2AuthorizationRequestResolver(registration, START_PATH);
        resolver.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        OAuth2AuthorizationRequestResolver startOnly = new OAuth2AuthorizationRequestResolver() {
            @Override
            public OAuth2AuthorizationRequest resolve(HttpServletRequest request) {
                return START_PATH.equals(request.getRequestURI()) ? resolver.resolve(request, SsoRegistration.ID) : null;
            }

            @Override
            public OAuth2AuthorizationRequest resolve(HttpServletRequest request, String registrationId) {
                return null;
            }
        };
        http.oauth2Login(login -> login
                .clientRegistrationRepository(registration)
                .authorizedClientRepository(new NoAuthorizedClients())
                .authorizationEndpoint(endpoint -> endpoint.authorizationRequestResolver(startOnly)
                        .authorizationRequestRepository(new PendingSignIns(jdbc, clock, START_PATH)))
                .redirectionEndpoint(endpoint -> endpoint.baseUri(CALLBACK_PATH))
                .tokenEndpoint(token -> token.accessTokenResponseClient(
                        ProviderTokenEndpoint.client(ProviderTokenEndpoint.CONNECT, ProviderTokenEndpoint.READ)))
                .userInfoEndpoint(userInfo -> userInfo.oidcUserService(new SsoPeople(settings, users)))
                // The console session is begun by the success handler; nothing of the provider's is kept.
                .securityContextRepository(new RequestAttributeSecurityContextRepository())
                .loginPage("/")
                .successHandler(handler)
                .failureHandler(handler)
                // The issuer unreachable at the start (discovery), or too many sign-ins in flight: refused like a
                // failed return, not answered with a bare 500.
                .withObjectPostProcessor(new ObjectPostProcessor<OAuth2AuthorizationRequestRedirectFilter>() {
                    @Override
                    public <O extends OAuth2AuthorizationRequestRedirectFilter> O postProcess(O filter) {
                        filter.setAuthenticationFailureHandler(handler);
                        return filter;
                    }
                }));
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) throws IOException {
        Caller caller = ((SsoPeople.Person) authentication.getPrincipal()).caller();
        ConsoleSessions.begin(caller, request, response, clock);
        trail.record(new AuditRecord("console.login", caller.name(), "console", null, Map.of("via", "sso",
                "scope", caller.scope().wireName()), request.getRemoteAddr(), "success", null));
        response.sendRedirect(console);
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException e) throws IOException {
        String code = e instanceof OAuth2AuthenticationException oauth ? oauth.getError().getErrorCode() : "failed";
        String description = e instanceof OAuth2AuthenticationException oauth && oauth.getError().getDescription() != null
                ? oauth.getError().getDescription() : e.getMessage();
        String reason = "single sign-on refused: " + code + (description == null ? "" : ": " + bounded(description));
        if (e instanceof SsoPeople.Refused refused) {
            trail.record(new AuditRecord("console.login", refused.person(), "console", null, Map.of("via", "sso"),
                    request.getRemoteAddr(), "denied", reason));
        } else {
            // No person known yet (a stale or forged return, a token that failed validation): counted per address.
            refusals.recordCounted(new AuditRecord("console.login", "anonymous", "console", null, Map.of("via", "sso"),
                    request.getRemoteAddr(), "denied", reason));
        }
        String shown = switch (code) {
            case "authorization_request_not_found", "invalid_state_parameter" -> "expired";
            case SsoPeople.REFUSED -> e instanceof SsoPeople.Refused ? "refused" : "cancelled";
            default -> "failed";
        };
        response.sendRedirect(console + "?sign-in=" + shown);
    }

    private static String bounded(String text) {
        String line = text.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) : line;
    }

    /** The console keeps no token of the issuer's: the sign-in is all it wants from it. */
    private static final class NoAuthorizedClients implements OAuth2AuthorizedClientRepository {
        @Override
        @SuppressWarnings("TypeParameterUnusedInFormals") // the interface's signature
        public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String registrationId, Authentication principal,
                HttpServletRequest request) {
            return null;
        }

        @Override
        public void saveAuthorizedClient(OAuth2AuthorizedClient client, Authentication principal,
                HttpServletRequest request, HttpServletResponse response) {
            // kept nowhere
        }

        @Override
        public void removeAuthorizedClient(String registrationId, Authentication principal, HttpServletRequest request,
                HttpServletResponse response) {
            // nothing kept
        }
    }
}
