package dev.gatehouse.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.SsoTestApplication;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's single sign-on over HTTP, as a browser does it: the gateway's redirect to the provider (PKCE, state,
 * nonce), the provider's login page, the return to the gateway, the console session; and each way it is refused.
 */
class ConsoleSsoIT extends SsoTestApplication {

    private CookieManager cookies;
    private HttpClient browser;

    @BeforeEach
    void freshBrowser() {
        cookies = new CookieManager();
        browser = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** A browser on its own loopback address: refusals without a person are audited in full once per address. */
    private void freshBrowserFrom(String address) throws UnknownHostException {
        cookies = new CookieManager();
        browser = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .localAddress(InetAddress.getByName(address)).build();
    }

    @Test
    void theSignInPageIsToldOfTheButtonAndThatPasswordsAreOff() throws Exception {
        HttpResponse<String> options = get(gateway("/api/v1/session/options"));

        assertThat(options.statusCode()).isEqualTo(200);
        assertThat(options.body()).contains("\"passwordSignIn\":false").contains("\"name\":\"" + DISPLAY_NAME + "\"")
                .contains("\"url\":\"/api/v1/session/oidc\"");
    }

    @Test
    void anAdminGroupSignsInThroughTheProviderAndGetsAnAdminConsoleSession() throws Exception {
        String person = unique("ada");

        HttpResponse<String> landed = signIn(person, List.of("staff", ADMINS), UnaryOperator.identity());

        assertThat(landed.statusCode()).isEqualTo(302);
        assertThat(landed.headers().firstValue("Location")).hasValue("http://127.0.0.1:" + HTTP_PORT + "/");
        assertThat(sessionCookie()).as("the console session cookie").isNotNull();
        HttpResponse<String> me = get(gateway("/api/v1/session"));
        assertThat(me.body()).contains("\"username\":\"oidc:" + person + "\"").contains("\"scope\":\"admin\"")
                .contains("\"via\":\"sso\"");
        assertThat(get(gateway("/api/v1/users")).statusCode()).isEqualTo(200);
        assertThat(api.get("/api/v1/users/oidc:" + person, ADMIN).body()).contains("\"apiScope\":\"admin\"")
                .contains("\"roles\":[]");
        assertThat(api.get("/api/v1/audit/events?type=console.login&actor=oidc:" + person, ADMIN).body())
                .contains("\"outcome\":\"success\"").contains("\"via\":\"sso\"");
    }

    @Test
    void anAuditorGroupGetsAReadOnlySessionAndTheGroupsDecideAgainAtTheNextSignIn() throws Exception {
        String person = unique("sam");
        signIn(person, List.of(AUDITORS), UnaryOperator.identity());

        assertThat(get(gateway("/api/v1/hosts")).statusCode()).isEqualTo(200);
        assertThat(call("POST", "/api/v1/networks", "{\"name\":\"" + unique("nope") + "\"}").statusCode()).isEqualTo(403);

        freshBrowser();
        signIn(person, List.of(ADMINS), UnaryOperator.identity());
        assertThat(get(gateway("/api/v1/session")).body()).contains("\"scope\":\"admin\"");
    }

    @Test
    void aPersonWhoseGroupsMapToNothingIsRefusedAndTheRefusalAudited() throws Exception {
        String person = unique("bob");

        HttpResponse<String> landed = signIn(person, List.of("staff"), UnaryOperator.identity());

        assertThat(landed.headers().firstValue("Location")).hasValue("http://127.0.0.1:" + HTTP_PORT + "/?sign-in=refused");
        assertThat(get(gateway("/api/v1/session")).statusCode()).isEqualTo(401);
        assertThat(api.get("/api/v1/users/oidc:" + person, ADMIN).status()).as("nobody made").isEqualTo(404);
        assertThat(api.get("/api/v1/audit/events?type=console.login&actor=oidc:" + person, ADMIN).body())
                .contains("\"outcome\":\"denied\"").contains("no group");
    }

    @Test
    void aReturnWithAnotherStateIsRefused() throws Exception {
        HttpResponse<String> landed = signIn(unique("eve"), List.of(ADMINS),
                callback -> URI.create(callback.toString().replaceFirst("state=[^&]+", "state=forged")));

        assertThat(landed.headers().firstValue("Location")).hasValue("http://127.0.0.1:" + HTTP_PORT + "/?sign-in=expired");
        assertThat(sessionCookie()).isNull();
        assertThat(get(gateway("/api/v1/session")).statusCode()).isEqualTo(401);
    }

    @Test
    void aReturnInAnotherBrowserThanTheOneThatStartedIsRefused() throws Exception {
        HttpResponse<String> landed = signIn(unique("mallory"), List.of(ADMINS), callback -> {
            cookies.getCookieStore().removeAll();
            return callback;
        });

        assertThat(landed.headers().firstValue("Location")).hasValue("http://127.0.0.1:" + HTTP_PORT + "/?sign-in=expired");
        assertThat(get(gateway("/api/v1/session")).statusCode()).isEqualTo(401);
    }

    @Test
    void anIdTokenMintedForAnotherClientIsRefusedAndAudited() throws Exception {
        String person = unique("carol");
        // The other tests' anonymous refusals come from 127.0.0.1 and would leave this one only counted.
        freshBrowserFrom("127.0.0.61");

        // The provider puts the login page's claims last: this ID token names only another client as its audience.
        HttpResponse<String> landed = signIn(person, "{\"groups\":[\"" + ADMINS + "\"],\"aud\":\"another-app\"}",
                UnaryOperator.identity());

        assertThat(landed.headers().firstValue("Location")).hasValue("http://127.0.0.1:" + HTTP_PORT + "/?sign-in=failed");
        assertThat(get(gateway("/api/v1/session")).statusCode()).isEqualTo(401);
        assertThat(api.get("/api/v1/users/oidc:" + person, ADMIN).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/audit/events?type=console.login&actor=anonymous", ADMIN).body())
                .contains("invalid_id_token").contains("127.0.0.61");
    }

    @Test
    void disablingThePersonEndsTheirSessionAndRefusesTheNextSignIn() throws Exception {
        String person = unique("dan");
        signIn(person, List.of(ADMINS), UnaryOperator.identity());
        assertThat(get(gateway("/api/v1/session")).statusCode()).isEqualTo(200);

        assertThat(api.put("/api/v1/users/oidc:" + person, ADMIN, "{\"roles\":[],\"disabled\":true,\"apiScope\":\"admin\"}")
                .status()).isEqualTo(200);

        assertThat(get(gateway("/api/v1/session")).statusCode()).isEqualTo(401);
        freshBrowser();
        HttpResponse<String> again = signIn(person, List.of(ADMINS), UnaryOperator.identity());
        assertThat(again.headers().firstValue("Location")).hasValue("http://127.0.0.1:" + HTTP_PORT + "/?sign-in=refused");
        assertThat(api.get("/api/v1/audit/events?type=console.login&actor=oidc:" + person, ADMIN).body())
                .contains("user is disabled");
    }

    @Test
    void signingOutEndsTheSessionAndIsAudited() throws Exception {
        String person = unique("fay");
        signIn(person, List.of(ADMINS), UnaryOperator.identity());
        get(gateway("/api/v1/session"));

        assertThat(call("DELETE", "/api/v1/session", null).statusCode()).isEqualTo(204);

        assertThat(get(gateway("/api/v1/session")).statusCode()).isEqualTo(401);
        assertThat(api.get("/api/v1/audit/events?type=console.logout&actor=oidc:" + person, ADMIN).body())
                .contains("\"outcome\":\"success\"");
    }

    @Test
    void passwordSignInIsRefusedWhenSwitchedOffAndTheRefusalAudited() {
        String local = new AccessFixture(api, ADMIN).person("pat").apiScope("admin").password("a long enough password")
                .create();

        ApiClient.Reply reply = api.send("POST", "/api/v1/session", null,
                "{\"username\":\"" + local + "\",\"password\":\"a long enough password\"}");

        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.body()).contains("password sign-in is switched off").contains(DISPLAY_NAME);
        assertThat(api.get("/api/v1/audit/events?type=console.login&actor=" + local, ADMIN).body())
                .contains("password sign-in is switched off");
    }

    /**
     * The whole flow: the gateway's redirect, the provider's login page (filled with {@code person} and its groups),
     * and the provider's redirect back, passed through {@code tamper} first. Returns the gateway's answer to it.
     */
    private HttpResponse<String> signIn(String person, List<String> groups, UnaryOperator<URI> tamper) throws Exception {
        return signIn(person, "{\"groups\":[" + String.join(",", groups.stream().map(g -> "\"" + g + "\"").toList())
                + "]}", tamper);
    }

    /** The same, with the login page's claims (JSON) as given. */
    private HttpResponse<String> signIn(String person, String claims, UnaryOperator<URI> tamper) throws Exception {
        HttpResponse<String> start = get(gateway("/api/v1/session/oidc"));
        assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
        URI authorize = URI.create(start.headers().firstValue("Location").orElseThrow());
        assertThat(authorize.toString()).startsWith(PROVIDER.authorizationEndpointUrl(ISSUER).toString())
                .contains("code_challenge_method=S256").contains("code_challenge=").contains("nonce=")
                .contains("state=").contains("client_id=" + CLIENT_ID);
        assertThat(start.headers().allValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
                .startsWith(PendingSignIns.COOKIE + "=").contains("HttpOnly").contains("SameSite=Lax"));

        assertThat(get(authorize).body()).contains("name=\"username\"");
        HttpResponse<String> loggedIn = browser.send(HttpRequest.newBuilder(authorize)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + encode(person) + "&claims=" + encode(claims)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(loggedIn.statusCode()).as(loggedIn.body()).isEqualTo(302);
        URI callback = URI.create(loggedIn.headers().firstValue("Location").orElseThrow());
        assertThat(callback.toString()).startsWith(gateway("/api/v1/session/oidc/callback?").toString());
        return get(tamper.apply(callback));
    }

    private HttpCookie sessionCookie() {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("GATEHOUSE_SESSION"))
                .findFirst().orElse(null);
    }

    private HttpResponse<String> call(String method, String path, String json) throws Exception {
        get(gateway("/api/v1/session"));
        String csrf = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN"))
                .map(HttpCookie::getValue).findFirst().orElse("");
        return browser.send(HttpRequest.newBuilder(gateway(path)).header("Content-Type", "application/json")
                .header("X-XSRF-TOKEN", csrf)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return browser.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI gateway(String path) {
        return URI.create("http://127.0.0.1:" + HTTP_PORT + path);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
