package dev.gatehouse.controlplane.config;

import java.net.URI;
import java.util.List;
import java.util.Set;

/** Start-up checks of the console's single sign-on settings ({@code gatehouse.oidc.redirect-base}, {@code scopes}). */
final class OidcSignIn {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private OidcSignIn() {}

    static void check(URI issuer, URI redirectBase, List<String> scopes) {
        if (redirectBase == null) {
            return;
        }
        String accepted = "the console's address as browsers reach it: https://host[:port][/path] (http:// only for"
                + " localhost or 127.0.0.1)";
        if (issuer == null) {
            throw new InvalidSettingException("gatehouse.oidc.redirect-base", accepted,
                    "set while gatehouse.oidc.issuer-uri is not: single sign-on needs the issuer");
        }
        String scheme = redirectBase.getScheme();
        boolean https = "https".equalsIgnoreCase(scheme);
        boolean loopbackHttp = "http".equalsIgnoreCase(scheme) && redirectBase.getHost() != null
                && LOOPBACK.contains(redirectBase.getHost().toLowerCase(java.util.Locale.ROOT));
        if (!https && !loopbackHttp) {
            throw new InvalidSettingException("gatehouse.oidc.redirect-base", accepted,
                    "not https (plain HTTP would carry the sign-in's code and the session cookie in clear): "
                            + redirectBase);
        }
        if (redirectBase.getHost() == null || redirectBase.getRawQuery() != null || redirectBase.getRawFragment() != null
                || redirectBase.getRawUserInfo() != null) {
            throw new InvalidSettingException("gatehouse.oidc.redirect-base", accepted,
                    "not a plain base URL (no user, query or fragment): " + redirectBase);
        }
        if (scopes == null || !scopes.contains("openid")) {
            throw new InvalidSettingException("gatehouse.oidc.scopes", "a list of OAuth scopes including openid",
                    "openid is missing: without it the issuer sends no ID token");
        }
    }
}
