package dev.gatehouse.controlplane.security;

import dev.gatehouse.controlplane.database.JsonColumns;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.http.ResponseCookie;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.client.web.AuthorizationRequestRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;

/**
 * Single sign-ons on their way through the identity provider ({@code oidc_sign_ins}): the authorization request (its
 * state, nonce and PKCE verifier) keyed by the state's hash, bound to the browser that started it by a cookie. The
 * console's session cookie is SameSite=Strict, so it does not come back on the provider's cross-site redirect; this
 * cookie is Lax, HttpOnly, scoped to the sign-in's own path and lives {@link #LIFETIME}. A return whose state is
 * unknown, expired or started by another browser finds nothing, and the sign-in is refused.
 */
final class PendingSignIns implements AuthorizationRequestRepository<OAuth2AuthorizationRequest> {

    static final String COOKIE = "GATEHOUSE_SIGN_IN";
    static final Duration LIFETIME = Duration.ofMinutes(10);
    /** Sign-ins in flight at once; starting one needs no credential, so a flood must not fill the table. */
    static final int MAX_PENDING = 10_000;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final String cookiePath;

    PendingSignIns(JdbcClient jdbc, Clock clock, String cookiePath) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cookiePath = Objects.requireNonNull(cookiePath, "cookiePath");
    }

    @Override
    public OAuth2AuthorizationRequest loadAuthorizationRequest(HttpServletRequest request) {
        String state = request.getParameter("state");
        String binding = binding(request);
        if (state == null || binding == null || state.length() > 512) {
            return null;
        }
        return jdbc.sql("SELECT request FROM oidc_sign_ins WHERE state_hash = ? AND binding_hash = ? AND expires_at > ?")
                .params(sha256(state), sha256(binding), Timestamp.from(clock.instant()))
                .query(String.class).optional().map(PendingSignIns::read).orElse(null);
    }

    @Override
    public void saveAuthorizationRequest(OAuth2AuthorizationRequest authorization, HttpServletRequest request,
            HttpServletResponse response) {
        if (authorization == null) {
            removeAuthorizationRequest(request, response);
            return;
        }
        jdbc.sql("DELETE FROM oidc_sign_ins WHERE expires_at <= ?").param(Timestamp.from(clock.instant())).update();
        long pending = jdbc.sql("SELECT count(*) FROM oidc_sign_ins").query(Long.class).single();
        if (pending >= MAX_PENDING) {
            throw new IllegalStateException("too many single sign-ons in progress (" + pending + "); try again later");
        }
        String binding = OpaqueTokens.generate("");
        jdbc.sql("INSERT INTO oidc_sign_ins (state_hash, binding_hash, request, expires_at) VALUES (?, ?, ?::jsonb, ?)")
                .params(sha256(authorization.getState()), sha256(binding), write(authorization),
                        Timestamp.from(clock.instant().plus(LIFETIME)))
                .update();
        cookie(response, request.isSecure(), binding, LIFETIME);
    }

    @Override
    public OAuth2AuthorizationRequest removeAuthorizationRequest(HttpServletRequest request,
            HttpServletResponse response) {
        OAuth2AuthorizationRequest found = loadAuthorizationRequest(request);
        if (found != null) {
            // Deleted by state alone: one return consumes it, whichever browser brings it next is refused.
            jdbc.sql("DELETE FROM oidc_sign_ins WHERE state_hash = ?").param(sha256(found.getState())).update();
        }
        if (binding(request) != null) {
            cookie(response, request.isSecure(), "", Duration.ZERO);
        }
        return found;
    }

    private void cookie(HttpServletResponse response, boolean secure, String value, Duration maxAge) {
        response.addHeader("Set-Cookie", ResponseCookie.from(COOKIE, value).path(cookiePath).httpOnly(true)
                .secure(secure).sameSite("Lax").maxAge(maxAge).build().toString());
    }

    private static String binding(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (COOKIE.equals(cookie.getName()) && !cookie.getValue().isEmpty() && cookie.getValue().length() <= 128) {
                return cookie.getValue();
            }
        }
        return null;
    }

    // Every value is a string, so the request goes through JSON without Java deserialization of stored bytes.
    private static String write(OAuth2AuthorizationRequest authorization) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("authorizationUri", authorization.getAuthorizationUri());
        fields.put("clientId", authorization.getClientId());
        fields.put("redirectUri", authorization.getRedirectUri());
        fields.put("scopes", List.copyOf(authorization.getScopes()));
        fields.put("state", authorization.getState());
        fields.put("additionalParameters", strings(authorization.getAdditionalParameters()));
        fields.put("attributes", strings(authorization.getAttributes()));
        fields.put("authorizationRequestUri", authorization.getAuthorizationRequestUri());
        return JsonColumns.write(fields);
    }

    private static OAuth2AuthorizationRequest read(String json) {
        Map<String, Object> fields = JsonColumns.object(json);
        Set<String> scopes = new LinkedHashSet<>();
        if (fields.get("scopes") instanceof List<?> list) {
            list.forEach(scope -> scopes.add(String.valueOf(scope)));
        }
        return OAuth2AuthorizationRequest.authorizationCode()
                .authorizationUri(String.valueOf(fields.get("authorizationUri")))
                .clientId(String.valueOf(fields.get("clientId")))
                .redirectUri(String.valueOf(fields.get("redirectUri")))
                .scopes(scopes)
                .state(String.valueOf(fields.get("state")))
                .additionalParameters(objects(fields.get("additionalParameters")))
                .attributes(objects(fields.get("attributes")))
                .authorizationRequestUri(String.valueOf(fields.get("authorizationRequestUri")))
                .build();
    }

    private static Map<String, String> strings(Map<String, Object> values) {
        Map<String, String> strings = new LinkedHashMap<>();
        values.forEach((name, value) -> strings.put(name, String.valueOf(value)));
        return strings;
    }

    private static Map<String, Object> objects(Object json) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (json instanceof Map<?, ?> map) {
            map.forEach((name, value) -> values.put(String.valueOf(name), String.valueOf(value)));
        }
        return values;
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
