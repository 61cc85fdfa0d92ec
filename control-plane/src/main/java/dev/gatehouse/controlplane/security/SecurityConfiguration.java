package dev.gatehouse.controlplane.security;

import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.tokens.ApiTokenAuthenticationProvider;
import dev.gatehouse.controlplane.tokens.ApiTokenStore;
import dev.gatehouse.controlplane.users.UserStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may call what. Callers authenticate with {@code Authorization: Bearer} (an API token, or a JWT from the OIDC
 * issuer when one is configured) or with the console's session cookie (then CSRF applies). Reads under
 * {@code /api/v1} (and starting an audit verify run) need the auditor or admin scope, changes need admin; access requests
 * are open to every signed-in caller (a person with no scope included), and so is {@code /api/v1/ssh-approvals/*},
 * whose controller lets only the login's person answer. {@code /actuator/health} and the OpenAPI document are public,
 * and so is {@code GET /api/v1/session/options} (how the sign-in page may sign people in); the console's single
 * sign-on ({@link ConsoleSingleSignOn}) adds its own two endpoints; {@code /actuator/prometheus} needs a token of either
 * scope. Everything else is denied.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String LOGIN_PATH = "/api/v1/session";

    /**
     * Sent with every response: scripts only from the gateway itself (WebAssembly for asciinema-player's terminal),
     * styles may be inline (xterm.js and the player set them), nothing may frame the console.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
            + "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    RefusalHandler refusalHandler(ControlPlaneAudit trail, GatehouseSettings settings, Clock clock) {
        return new RefusalHandler(trail, settings.api().refusalInterval(), clock);
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http, GatehouseSettings settings, ApiTokenStore tokens, Clock clock,
            RefusalHandler refusals, UserStore users, ControlPlaneAudit trail, JdbcClient jdbc) throws Exception {
        AuthenticationManager bearer = bearerAuthentication(settings, tokens, clock);
        // CSRF matters only for requests a browser authenticates by itself, i.e. with the session cookie.
        RequestMatcher noSessionCookie = request -> request.getHeader("Authorization") != null
                || request.getRequestedSessionId() == null;
        http
                .authorizeHttpRequests(authorize -> authorize
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/api/v1/openapi.json", "/api/v1/openapi.json/**").permitAll()
                        .requestMatchers(HttpMethod.POST, LOGIN_PATH).permitAll()
                        .requestMatchers(HttpMethod.GET, LOGIN_PATH + "/options").permitAll()
                        .requestMatchers(HttpMethod.GET, LOGIN_PATH).authenticated()
                        .requestMatchers(HttpMethod.DELETE, LOGIN_PATH).authenticated()
                        // A person approves their own SSH login; the controller checks it is theirs.
                        .requestMatchers("/api/v1/ssh-approvals/*").authenticated()
                        .requestMatchers("/actuator/prometheus").hasAnyRole("ADMIN", "AUDITOR")
                        // Any signed-in person asks for access; AccessRequests decides who may do what with a request.
                        .requestMatchers("/api/v1/access-requests", "/api/v1/access-requests/**").authenticated()
                        .requestMatchers(HttpMethod.GET, "/api/v1/**").hasAnyRole("ADMIN", "AUDITOR")
                        .requestMatchers(HttpMethod.HEAD, "/api/v1/**").hasAnyRole("ADMIN", "AUDITOR")
                        // Verifying reads the evidence and changes none of it: an auditor may start a run.
                        .requestMatchers(HttpMethod.POST, "/api/v1/audit/verify").hasAnyRole("ADMIN", "AUDITOR")
                        .requestMatchers("/api/v1/**").hasRole("ADMIN")
                        .requestMatchers(HttpMethod.GET, "/", "/index.html", "/assets/**", "/favicon.ico", "/approve/*")
                        .permitAll()
                        .anyRequest().denyAll())
                .oauth2ResourceServer(oauth -> oauth
                        .authenticationManagerResolver(request -> bearer)
                        .authenticationEntryPoint(refusals)
                        .accessDeniedHandler(refusals))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(refusals).accessDeniedHandler(refusals))
                .csrf(csrf -> csrf.spa().ignoringRequestMatchers(noSessionCookie,
                        PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, LOGIN_PATH)))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.NEVER))
                .securityContext(context -> context.securityContextRepository(
                        new ConsoleSessions(users, trail, clock, settings.console().sessionLifetime())))
                // HSTS is Spring Security's default on requests that came over TLS.
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY)))
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .anonymous(anonymous -> anonymous.principal("anonymous"));
        ConsoleSingleSignOn.configure(http, settings.oidc(), users, jdbc, trail, refusals, clock);
        return http.build();
    }

    private static AuthenticationManager bearerAuthentication(GatehouseSettings settings, ApiTokenStore tokens,
            Clock clock) {
        GatehouseSettings.Oidc oidc = settings.oidc();
        List<AuthenticationProvider> providers = new ArrayList<>();
        providers.add(new ApiTokenAuthenticationProvider(tokens, clock, oidc.enabled()));
        if (oidc.enabled()) {
            // Discovery happens on the first JWT, so the gateway starts even while the issuer is down.
            String issuer = oidc.issuerUri().toString();
            JwtAuthenticationProvider jwt = new JwtAuthenticationProvider(new SupplierJwtDecoder(() -> {
                NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(issuer).build();
                // A token the issuer minted for another client must not open this gateway.
                decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(issuer),
                        new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
                                audiences -> audiences != null && audiences.contains(oidc.audience()))));
                return decoder;
            }));
            jwt.setJwtAuthenticationConverter(new OidcCallers(oidc));
            providers.add(jwt);
        }
        return new ProviderManager(providers);
    }
}
