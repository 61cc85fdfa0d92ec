package dev.gatehouse.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

/** A console sign-in with a password (session cookie and CSRF token), as the browser holds it. */
public record ConsoleSignIn(ApiClient api, String cookies, String csrf) {

    public static ConsoleSignIn of(ApiClient api, String username, String password) {
        ApiClient.Reply signIn = api.post("/api/v1/session", null, "{\"username\":\"" + username
                + "\",\"password\":\"" + password + "\"}");
        assertThat(signIn.status()).as(signIn.body()).isEqualTo(200);
        String session = cookie(signIn, "GATEHOUSE_SESSION");
        String csrf = cookie(api.send("GET", "/api/v1/session", null, null, "Cookie", session), "XSRF-TOKEN");
        return new ConsoleSignIn(api, session + "; " + csrf, csrf.substring(csrf.indexOf('=') + 1));
    }

    public ApiClient.Reply get(String path) {
        return api.send("GET", path, null, null, "Cookie", cookies);
    }

    public ApiClient.Reply post(String path, String json) {
        return api.send("POST", path, null, json, "Cookie", cookies, "X-XSRF-TOKEN", csrf);
    }

    private static String cookie(ApiClient.Reply reply, String name) {
        return reply.headers("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).map(c -> c.split(";")[0])
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " cookie in " + reply));
    }
}
