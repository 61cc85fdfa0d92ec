package dev.gatehouse.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's password login: session cookie flags, CSRF on cookie-authenticated changes, logout, refusals; the
 * person re-checked on every request (disabled, demoted) and their API tokens revoked with them.
 */
class ConsoleLoginIT extends GatehouseTestApplication {

    private static final String PASSWORD = "correct horse battery staple";

    private CookieManager cookies;
    private HttpClient browser;
    private String username;

    @BeforeEach
    void person() {
        cookies = new CookieManager();
        browser = HttpClient.newBuilder().cookieHandler(cookies).build();
        username = new AccessFixture(api, ADMIN).person("console").apiScope("admin").password(PASSWORD).create();
    }

    @Test
    void loginSetsHttpOnlySameSiteSessionCookieThatAuthenticatesReads() throws Exception {
        HttpResponse<String> login = call("POST", "/api/v1/session", "{\"username\":\"" + username
                + "\",\"password\":\"" + PASSWORD + "\"}", null);

        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("\"username\":\"" + username + "\"").contains("\"scope\":\"admin\"");
        String setCookie = login.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("GATEHOUSE_SESSION=")).findFirst().orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict");
        // Over plain HTTP (loopback): no HSTS, but the console's Content-Security-Policy all the same.
        assertThat(login.headers().firstValue("Strict-Transport-Security")).isEmpty();
        assertThat(login.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("script-src 'self'").contains("frame-ancestors 'none'"));
        assertThat(call("GET", "/api/v1/users", null, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/session", null, null).body()).contains("\"via\":\"password\"");
    }

    @Test
    void theSignInPageIsToldOfPasswordsOnlyWhenNoSingleSignOnIsConfigured() {
        ApiClient.Reply options = api.get("/api/v1/session/options", null);

        assertThat(options.status()).isEqualTo(200);
        assertThat(options.body()).contains("\"passwordSignIn\":true").contains("\"singleSignOn\":null");
        assertThat(api.get("/api/v1/session/oidc", null).status()).as("no sign-in through an issuer").isEqualTo(401);
    }

    @Test
    void signingOutIsAudited() throws Exception {
        login();
        call("GET", "/api/v1/session", null, null);

        assertThat(call("DELETE", "/api/v1/session", null, csrfToken()).statusCode()).isEqualTo(204);

        assertThat(api.get("/api/v1/audit/events?type=console.logout&actor=" + username, ADMIN).body())
                .contains("\"outcome\":\"success\"");
    }

    @Test
    void cookieAuthenticatedChangeNeedsTheCsrfToken() throws Exception {
        login();
        String network = unique("csrf");
        String body = "{\"name\":\"" + network + "\"}";

        HttpResponse<String> withoutToken = call("POST", "/api/v1/networks", body, null);
        assertThat(withoutToken.statusCode()).isEqualTo(403);
        assertThat(withoutToken.body()).contains("CSRF");
        assertThat(api.get("/api/v1/networks/" + network, ADMIN).status()).isEqualTo(404);

        call("GET", "/api/v1/session", null, null);
        HttpResponse<String> withToken = call("POST", "/api/v1/networks", body, csrfToken());
        assertThat(withToken.statusCode()).as(withToken.body()).isEqualTo(201);
    }

    @Test
    void logoutEndsTheSession() throws Exception {
        login();
        call("GET", "/api/v1/session", null, null);

        assertThat(call("DELETE", "/api/v1/session", null, csrfToken()).statusCode()).isEqualTo(204);

        assertThat(call("GET", "/api/v1/users", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void wrongPasswordUnknownUserAndDisabledUserAreRefusedAndAudited() throws Exception {
        HttpResponse<String> wrong = call("POST", "/api/v1/session",
                "{\"username\":\"" + username + "\",\"password\":\"not the password\"}", null);
        HttpResponse<String> unknown = call("POST", "/api/v1/session",
                "{\"username\":\"nobody-" + username + "\",\"password\":\"" + PASSWORD + "\"}", null);
        api.put("/api/v1/users/" + username, ADMIN, "{\"roles\":[],\"apiScope\":\"admin\",\"disabled\":true}");
        HttpResponse<String> disabled = call("POST", "/api/v1/session",
                "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\"}", null);

        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("wrong username or password");
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.body()).contains("wrong username or password");
        assertThat(disabled.statusCode()).isEqualTo(401);
        assertThat(disabled.body()).contains("disabled");
        ApiClient.Reply events = api.get("/api/v1/audit/events?type=console.login&actor=" + username, ADMIN);
        assertThat(events.json().get("events").size()).isEqualTo(2);
        assertThat(events.body()).contains("\"outcome\":\"denied\"").doesNotContain("not the password");
    }

    @Test
    void failedSignInsFromOneAddressAreThrottledThereOnly() {
        String guesser = ApiClient.freshLoopbackAddress();
        for (int i = 0; i < ConsoleLoginController.FAILURES_PER_ADDRESS; i++) {
            assertThat(signIn(guesser, unique("guess"), "wrong").status()).isEqualTo(401);
        }

        ApiClient.Reply throttled = signIn(guesser, username, PASSWORD);
        ApiClient.Reply elsewhere = signIn(ApiClient.freshLoopbackAddress(), username, PASSWORD);

        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.body()).contains("too many failed sign-ins");
        assertThat(elsewhere.status()).as(elsewhere.body()).isEqualTo(200);
    }

    @Test
    void failedSignInsForOneUserAreThrottledFromAnyAddress() {
        for (int i = 0; i < ConsoleLoginController.FAILURES_PER_USER; i++) {
            assertThat(signIn(ApiClient.freshLoopbackAddress(), username, "wrong " + i).status()).isEqualTo(401);
        }

        ApiClient.Reply throttled = signIn(ApiClient.freshLoopbackAddress(), username, PASSWORD);

        assertThat(throttled.status()).isEqualTo(429);
        assertThat(api.get("/api/v1/audit/events?type=console.login&actor=" + username, ADMIN).body())
                .contains("too many failed sign-ins");
    }

    private ApiClient.Reply signIn(String from, String user, String password) {
        return ApiClient.from(port, from).post("/api/v1/session", null,
                "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
    }

    @Test
    void aCookieStopsWorkingOnceThePersonIsDisabledAndTheEndIsAudited() throws Exception {
        login();
        assertThat(call("GET", "/api/v1/users", null, null).statusCode()).isEqualTo(200);

        api.put("/api/v1/users/" + username, ADMIN, "{\"roles\":[],\"apiScope\":\"admin\",\"disabled\":true}");

        assertThat(call("GET", "/api/v1/users", null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/v1/session", null, null).statusCode()).isEqualTo(401);
        ApiClient.Reply ended = api.get("/api/v1/audit/events?type=console.session.ended&actor=" + username, ADMIN);
        assertThat(ended.json().get("events").size()).as(ended.body()).isEqualTo(1);
        assertThat(ended.body()).contains("user disabled").contains("\"outcome\":\"denied\"");
    }

    @Test
    void aDemotedAdminsCookieLosesTheAdminScopeAtOnce() throws Exception {
        login();
        call("GET", "/api/v1/session", null, null);
        String network = unique("demoted");

        api.put("/api/v1/users/" + username, ADMIN, "{\"roles\":[],\"apiScope\":\"auditor\"}");

        assertThat(call("GET", "/api/v1/session", null, null).body()).contains("\"scope\":\"auditor\"");
        assertThat(call("GET", "/api/v1/users", null, null).statusCode()).isEqualTo(200);
        HttpResponse<String> change = call("POST", "/api/v1/networks", "{\"name\":\"" + network + "\"}", csrfToken());
        assertThat(change.statusCode()).as(change.body()).isEqualTo(403);
        assertThat(api.get("/api/v1/networks/" + network, ADMIN).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/audit/events?type=api.forbidden&actor=" + username, ADMIN).body())
                .contains("POST /api/v1/networks");
    }

    @Test
    void disablingThePersonRevokesTheApiTokensTheyMadeAndAuditsEach() throws Exception {
        login();
        call("GET", "/api/v1/session", null, null);
        String name = unique("made-by-console");
        HttpResponse<String> made = call("POST", "/api/v1/api-tokens",
                "{\"name\":\"" + name + "\",\"scope\":\"admin\"}", csrfToken());
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        String secret = made.body().replaceFirst("(?s).*\"token\":\"([^\"]+)\".*", "$1");
        assertThat(api.get("/api/v1/users", secret).status()).isEqualTo(200);

        api.put("/api/v1/users/" + username, ADMIN, "{\"roles\":[],\"apiScope\":\"admin\",\"disabled\":true}");

        ApiClient.Reply refused = api.get("/api/v1/users", secret);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body()).contains("was revoked");
        assertThat(api.get("/api/v1/audit/events?type=api-token.revoked&target=api-token:" + name, ADMIN).json()
                .get("events").size()).isEqualTo(1);
    }

    @Test
    void aBearerTokenCallStartsNoConsoleSession() throws Exception {
        // A script calling the API hundreds of times must not leave a console session (a stored row) per call.
        for (String method : new String[] {"GET", "POST"}) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/users"))
                    .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json");
            request.method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString("{\"username\":\"" + unique("script") + "\",\"roles\":[]}"));
            HttpResponse<String> reply = HttpClient.newHttpClient().send(request.build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(reply.statusCode()).as(method).isIn(200, 201);
            assertThat(reply.headers().allValues("Set-Cookie")).as(method)
                    .noneMatch(cookie -> cookie.startsWith("GATEHOUSE_SESSION="));
        }
    }

    private void login() throws Exception {
        assertThat(call("POST", "/api/v1/session", "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD
                + "\"}", null).statusCode()).isEqualTo(200);
    }

    private String csrfToken() {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN"))
                .map(HttpCookie::getValue).reduce((a, b) -> b).orElseThrow();
    }

    private HttpResponse<String> call(String method, String path, String json, String csrf) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.base() + path)).method(method,
                json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (csrf != null) {
            request.header("X-XSRF-TOKEN", csrf);
        }
        return browser.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
