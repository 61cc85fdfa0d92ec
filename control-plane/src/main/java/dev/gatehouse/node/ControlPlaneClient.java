package dev.gatehouse.node;

import dev.gatehouse.pki.x509.TlsIdentity;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Objects;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * A bastion node's line to the control plane's node port: HTTPS with TLS 1.3, the control plane checked against the
 * CA the node enrolled with, the node presenting its client certificate. A renewal swaps the identity for new calls.
 */
final class ControlPlaneClient {

    /** The control plane refused, could not be reached, or answered nonsense; the message says which. */
    static final class Unavailable extends IOException {
        private final int status;

        Unavailable(String message, int status) {
            super(message);
            this.status = status;
        }

        /** The HTTP status, or 0 when no answer came. */
        int status() {
            return status;
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final URI base;
    private final JsonMapper json = JsonMapper.builder().build();
    private volatile HttpClient client;

    ControlPlaneClient(String url, SSLContext tls) {
        this.base = URI.create(Objects.requireNonNull(url, "url").replaceFirst("/+$", ""));
        this.client = client(tls);
    }

    /** A client presenting {@code identity} and trusting only the node port's certificate from the node's CA. */
    static SSLContext mutual(TlsIdentity identity, X509Certificate ca) throws IOException {
        return context(identity.keyManagerFactory().getKeyManagers(), NodePortTrust.of(ca));
    }

    static SSLContext context(KeyManager[] keys, TrustManager[] trust) throws IOException {
        try {
            SSLContext tls = SSLContext.getInstance("TLSv1.3");
            tls.init(keys, trust, null);
            return tls;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS to the control plane: " + e.getMessage(), e);
        }
    }

    /**
     * The same identity and trust towards another control plane's node port ({@code https://host:port}, from a watch
     * order): it must present a certificate from the node's CA for that name, as the node's own control plane does.
     */
    ControlPlaneClient at(String url) {
        return new ControlPlaneClient(url, client);
    }

    private ControlPlaneClient(String url, HttpClient client) {
        this.base = URI.create(Objects.requireNonNull(url, "url").replaceFirst("/+$", ""));
        this.client = client;
    }

    void use(SSLContext tls) {
        HttpClient old = client;
        client = client(tls);
        old.close();
    }

    /** A call whose answer is only its success (204). */
    void tell(String path, Object request) throws Unavailable {
        send(path, json.writeValueAsBytes(request), "application/json");
    }

    <T> T call(String path, Object request, Class<T> reply) throws Unavailable {
        return call(path, request, json.constructType(reply));
    }

    <T> T call(String path, Object request, TypeReference<T> reply) throws Unavailable {
        return call(path, request, json.getTypeFactory().constructType(reply));
    }

    @SuppressWarnings("TypeParameterUnusedInFormals") // the JavaType carries T: both callers build it from a Class<T> or TypeReference<T>
    private <T> T call(String path, Object request, JavaType reply) throws Unavailable {
        byte[] body = send(path, json.writeValueAsBytes(request), "application/json");
        try {
            return json.readValue(body, reply);
        } catch (RuntimeException e) {
            throw new Unavailable(path + ": the control plane answered no readable reply: " + e.getMessage(), 200);
        }
    }

    byte[] send(String path, byte[] body, String contentType) throws Unavailable {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<byte[]> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new Unavailable("the control plane at " + base + " cannot be reached: " + e.getMessage(), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while calling the control plane", 0);
        }
        if (response.statusCode() / 100 != 2) {
            throw new Unavailable(path + " refused by the control plane (" + response.statusCode() + "): "
                    + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8).strip(),
                    response.statusCode());
        }
        return response.body();
    }

    private static HttpClient client(SSLContext tls) {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(new String[] {"TLSv1.3"});
        return HttpClient.newBuilder().sslContext(tls).sslParameters(parameters).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }
}
