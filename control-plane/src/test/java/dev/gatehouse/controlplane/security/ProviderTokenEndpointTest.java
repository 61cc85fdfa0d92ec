package dev.gatehouse.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationExchange;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationResponse;

/** The token call to the identity provider gives up on a provider that accepts the connection and never answers. */
class ProviderTokenEndpointTest {

    @Test
    // Without a read timeout the call below waits forever, past an interrupt: the timeout runs on its own thread.
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aProviderThatNeverAnswersCostsTheSignInTheReadTimeoutOnly() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread accepting = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, read from never, answered never
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            });
            String provider = "http://127.0.0.1:" + silent.getLocalPort();
            ClientRegistration registration = ClientRegistration.withRegistrationId("oidc")
                    .clientId("gatehouse-console")
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .redirectUri("http://127.0.0.1/callback")
                    .authorizationUri(provider + "/authorize")
                    .tokenUri(provider + "/token")
                    .build();
            OAuth2AuthorizationRequest asked = OAuth2AuthorizationRequest.authorizationCode()
                    .authorizationUri(provider + "/authorize").clientId("gatehouse-console")
                    .redirectUri("http://127.0.0.1/callback").state("state").build();
            OAuth2AuthorizationResponse answered = OAuth2AuthorizationResponse.success("code")
                    .redirectUri("http://127.0.0.1/callback").state("state").build();
            var grant = new OAuth2AuthorizationCodeGrantRequest(registration,
                    new OAuth2AuthorizationExchange(asked, answered));

            long started = System.nanoTime();
            assertThatThrownBy(() -> ProviderTokenEndpoint.client(Duration.ofSeconds(2), Duration.ofSeconds(1))
                    .getTokenResponse(grant)).hasRootCauseInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            accepting.interrupt();
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void theProductionBoundsAreSeconds() {
        assertThat(ProviderTokenEndpoint.CONNECT).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(10));
        assertThat(ProviderTokenEndpoint.READ).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(30));
    }
}
