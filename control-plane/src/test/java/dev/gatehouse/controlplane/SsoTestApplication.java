package dev.gatehouse.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway with the console's single sign-on against a real OIDC provider beside it (mock-oauth2-server with its
 * login page: discovery, JWKS, authorize and token endpoints over HTTP), password sign-in switched off. The
 * provider's group {@link #ADMINS} maps to admin, {@link #AUDITORS} to auditor. Subclasses share one context.
 */
public abstract class SsoTestApplication extends GatehouseTestApplication {

    public static final String ISSUER = "corp";
    public static final String CLIENT_ID = "gatehouse-console";
    public static final String DISPLAY_NAME = "Corp SSO";
    public static final String ADMINS = "gatehouse-admins";
    public static final String AUDITORS = "security-team";
    protected static final MockOAuth2Server PROVIDER = startProvider();
    /** Known before the gateway starts: the redirect URI registered at the provider names it. */
    protected static final int HTTP_PORT = freePort();

    @DynamicPropertySource
    static void singleSignOn(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> HTTP_PORT);
        registry.add("gatehouse.oidc.issuer-uri", () -> PROVIDER.issuerUrl(ISSUER).toString());
        // mock-oauth2-server speaks plain HTTP: a test convenience the gateway must be told to accept.
        registry.add("gatehouse.oidc.allow-http-issuer", () -> "true");
        registry.add("gatehouse.oidc.audience", () -> CLIENT_ID);
        registry.add("gatehouse.oidc.client-secret", () -> "console-secret");
        registry.add("gatehouse.oidc.display-name", () -> DISPLAY_NAME);
        registry.add("gatehouse.oidc.redirect-base", () -> "http://127.0.0.1:" + HTTP_PORT);
        registry.add("gatehouse.oidc.scope-mapping[" + ADMINS + "]", () -> "admin");
        registry.add("gatehouse.oidc.scope-mapping[" + AUDITORS + "]", () -> "auditor");
        registry.add("gatehouse.console.password-sign-in", () -> "false");
    }

    private static MockOAuth2Server startProvider() {
        MockOAuth2Server server = new MockOAuth2Server(OAuth2Config.Companion.fromJson("{\"interactiveLogin\":true}"));
        try {
            server.start(InetAddress.getByName("127.0.0.1"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return server;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
