package dev.gatehouse.controlplane.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.SsoTestApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Single sign-on in real headless Chromium: {@code web-console}'s {@code e2e/sso.e2e.mjs} clicks "Sign in with Corp
 * SSO", signs in on mock-oauth2-server's login page with an admin group, and lands in the console as that admin.
 */
class ConsoleSsoBrowserIT extends SsoTestApplication {

    @Test
    void aPersonSignsInThroughTheProvidersLoginPageAndLandsInTheConsoleAsAdmin() throws Exception {
        BrowserScript.assumeBrowser("ConsoleSsoBrowserIT");
        Path work = Files.createTempDirectory("gatehouse-sso-");
        String person = unique("grace");

        BrowserScript.run("sso.e2e.mjs", Map.of("GATEHOUSE_URL", "http://127.0.0.1:" + HTTP_PORT,
                "E2E_SSO_PERSON", person, "E2E_SSO_ADMIN_GROUP", ADMINS, "E2E_SSO_NAME", DISPLAY_NAME), work);

        assertThat(api.get("/api/v1/audit/events?type=console.login&actor=oidc:" + person, ADMIN).body())
                .contains("\"outcome\":\"success\"");
        assertThat(api.get("/api/v1/audit/events?type=console.logout&actor=oidc:" + person, ADMIN).body())
                .contains("\"outcome\":\"success\"");
    }
}
