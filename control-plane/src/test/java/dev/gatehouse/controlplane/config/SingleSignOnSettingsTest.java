package dev.gatehouse.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;

/** The console's single sign-on settings bind from the environment, and a bad combination stops start-up naming it. */
class SingleSignOnSettingsTest {

    private static final Map<String, String> SSO = Map.of(
            "GATEHOUSE_OIDC_ISSUER_URI", "https://login.example.com",
            "GATEHOUSE_OIDC_AUDIENCE", "gatehouse",
            "GATEHOUSE_OIDC_REDIRECT_BASE", "https://gatehouse.example.com",
            "GATEHOUSE_OIDC_CLIENT_SECRET", "s3cret-of-the-client",
            "GATEHOUSE_OIDC_DISPLAY_NAME", "Corp SSO");

    @Test
    void singleSignOnBindsFromTheEnvironmentAndKeepsTheSecretOutOfTheSettingsText() {
        GatehouseSettings settings = bind(with("GATEHOUSE_CONSOLE_PASSWORD_SIGN_IN", "false"));

        assertThat(settings.oidc().signInEnabled()).isTrue();
        assertThat(settings.oidc().signInClientId()).as("the client id defaults to the audience").isEqualTo("gatehouse");
        assertThat(settings.oidc().displayName()).isEqualTo("Corp SSO");
        assertThat(settings.oidc().scopes()).containsExactly("openid", "profile", "email");
        assertThat(settings.console().passwordSignIn()).isFalse();
        assertThat(settings.toString()).doesNotContain("s3cret-of-the-client");
    }

    @Test
    void withoutARedirectBaseTheIssuerServesTheApiOnlyAndPasswordsStayOn() {
        GatehouseSettings settings = bind(Map.of("GATEHOUSE_OIDC_ISSUER_URI", "https://login.example.com",
                "GATEHOUSE_OIDC_AUDIENCE", "gatehouse"));

        assertThat(settings.oidc().enabled()).isTrue();
        assertThat(settings.oidc().signInEnabled()).isFalse();
        assertThat(settings.console().passwordSignIn()).isTrue();
    }

    @Test
    void passwordSignInOffWithoutSingleSignOnStopsStartupNamingTheSetting() {
        assertRefused(Map.of("GATEHOUSE_CONSOLE_PASSWORD_SIGN_IN", "false"), "gatehouse.console.password-sign-in");
    }

    @Test
    void aPlainHttpRedirectBaseIsRefusedUnlessItIsThisMachine() {
        assertRefused(with("GATEHOUSE_OIDC_REDIRECT_BASE", "http://gatehouse.example.com"), "gatehouse.oidc.redirect-base");
        assertThat(bind(with("GATEHOUSE_OIDC_REDIRECT_BASE", "http://127.0.0.1:8080")).oidc().signInEnabled()).isTrue();
    }

    @Test
    void aRedirectBaseWithoutAnIssuerStopsStartupNamingTheSetting() {
        assertRefused(Map.of("GATEHOUSE_OIDC_REDIRECT_BASE", "https://gatehouse.example.com"),
                "gatehouse.oidc.redirect-base");
    }

    @Test
    void scopesWithoutOpenidStopStartupNamingTheSetting() {
        assertRefused(with("GATEHOUSE_OIDC_SCOPES", "profile,email"), "gatehouse.oidc.scopes");
    }

    private static Map<String, String> with(String name, String value) {
        Map<String, String> variables = new HashMap<>(SSO);
        variables.put(name, value);
        return variables;
    }

    private static GatehouseSettings bind(Map<String, String> variables) {
        return Binder.get(SettingsTest.environment(variables)).bindOrCreate("gatehouse", GatehouseSettings.class);
    }

    private static void assertRefused(Map<String, String> variables, String setting) {
        assertThatThrownBy(() -> bind(variables)).rootCause().isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(setting);
    }
}
