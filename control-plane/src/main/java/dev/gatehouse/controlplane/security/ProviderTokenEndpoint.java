package dev.gatehouse.controlplane.security;

import java.time.Duration;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.web.client.RestClient;

/**
 * The call that trades a sign-in's code for tokens at the identity provider, bounded in time. Spring's own client has
 * no timeouts, so a provider that accepts the connection and never answers would hold a request thread (and the
 * person's browser) forever; here it costs a sign-in {@link #CONNECT} plus {@link #READ} at most, and the sign-in is
 * refused and audited like any failed return. (Discovery and the provider's keys are fetched by Spring with its own
 * 30 s bounds.)
 */
final class ProviderTokenEndpoint {

    static final Duration CONNECT = Duration.ofSeconds(5);
    static final Duration READ = Duration.ofSeconds(10);

    private ProviderTokenEndpoint() {
    }

    static RestClientAuthorizationCodeTokenResponseClient client(Duration connect, Duration read) {
        SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
        requests.setConnectTimeout(connect);
        requests.setReadTimeout(read);
        RestClientAuthorizationCodeTokenResponseClient client = new RestClientAuthorizationCodeTokenResponseClient();
        client.setRestClient(RestClient.builder()
                .requestFactory(requests)
                .configureMessageConverters(converters -> converters
                        .addCustomConverter(new FormHttpMessageConverter())
                        .addCustomConverter(new OAuth2AccessTokenResponseHttpMessageConverter()))
                .defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
                .build());
        return client;
    }
}
