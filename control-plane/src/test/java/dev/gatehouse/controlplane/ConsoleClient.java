package dev.gatehouse.controlplane;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A person signed in to the console with a password: the session cookie, and the CSRF token on every change. */
public final class ConsoleClient {

    private final CookieManager cookies = new CookieManager();
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).build();
    private final ApiClient api;

    private ConsoleClient(ApiClient api) {
        this.api = api;
    }

    /** Signs {@code username} in; fails unless the gateway accepts the password. */
    public static ConsoleClient signIn(ApiClient api, String username, String password) {
        ConsoleClient client = new ConsoleClient(api);
        ApiClient.Reply reply = client.send("POST", "/api/v1/session",
                "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
        if (reply.status() != 200) {
            throw new AssertionError("sign-in of " + username + " refused: " + reply);
        }
        client.send("GET", "/api/v1/session", null);
        return client;
    }

    public ApiClient.Reply send(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.base() + path)).method(method,
                json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN"))
                .map(HttpCookie::getValue).reduce((a, b) -> b).ifPresent(token -> request.header("X-XSRF-TOKEN", token));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new ApiClient.Reply(response.statusCode(), response.body(), response);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
