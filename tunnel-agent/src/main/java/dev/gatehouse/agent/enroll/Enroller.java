package dev.gatehouse.agent.enroll;

import dev.gatehouse.pki.x509.CsrBuilder;
import dev.gatehouse.pki.x509.Pem;
import dev.gatehouse.tunnel.protocol.TunnelHeaders;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * Talks to the enrollment endpoint on the gateway's tunnel port (HTTPS, TLS 1.3, gateway checked against the
 * gateway CA). The key pair never leaves the agent: only a CSR is sent.
 */
public final class Enroller {

    /** A new key pair and its certificate chain. */
    public record Issued(KeyPair keys, List<X509Certificate> chain) {
    }

    private final String gateway;
    private final List<X509Certificate> gatewayCas;

    public Enroller(String gateway, List<X509Certificate> gatewayCas) {
        this.gateway = gateway;
        this.gatewayCas = List.copyOf(gatewayCas);
    }

    /** Joins {@code network} as {@code name} with a one-time token. */
    public Issued join(String token, String network, String name) throws IOException {
        KeyPair keys = newKeyPair();
        HttpRequest request = request(TunnelHeaders.PATH_JOIN, csr(keys, name + "@" + network))
                .header(TunnelHeaders.JOIN_TOKEN, token)
                .header(TunnelHeaders.JOIN_NETWORK, network)
                .header(TunnelHeaders.JOIN_AGENT_NAME, name)
                .build();
        return new Issued(keys, send(client(null, null), request, "join"));
    }

    /** Renews with the current, still valid key and certificate; returns a fresh key pair and chain. */
    public Issued renew(PrivateKey currentKey, List<X509Certificate> currentChain) throws IOException {
        KeyPair keys = newKeyPair();
        String subject = currentChain.getFirst().getSubjectX500Principal().getName();
        HttpRequest request = request(TunnelHeaders.PATH_RENEW, csr(keys, subject.replaceFirst("^CN=", ""))).build();
        return new Issued(keys, send(client(currentKey, currentChain), request, "renewal"));
    }

    private HttpRequest.Builder request(String path, String csrPem) {
        return HttpRequest.newBuilder(URI.create("https://" + gateway + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/pkcs10")
                .POST(HttpRequest.BodyPublishers.ofString(csrPem));
    }

    private List<X509Certificate> send(HttpClient client, HttpRequest request, String what) throws IOException {
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + " interrupted");
        } catch (IOException e) {
            throw new IOException(what + " at " + gateway + " failed: " + e.getMessage(), e);
        }
        String body = TunnelHeaders.printable(response.body().trim());
        if (response.statusCode() != 200) {
            throw new IOException(what + " refused by the gateway (" + response.statusCode() + "): " + body);
        }
        try {
            return Pem.certificates(response.body());
        } catch (IllegalArgumentException e) {
            throw new IOException(what + ": the gateway answered no usable certificate: " + e.getMessage());
        }
    }

    private HttpClient client(PrivateKey key, List<X509Certificate> chain) throws IOException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < gatewayCas.size(); i++) {
                trust.setCertificateEntry("gateway-ca-" + i, gatewayCas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (key != null) {
                char[] password = "transient".toCharArray();
                KeyStore own = KeyStore.getInstance("PKCS12");
                own.load(null, null);
                own.setKeyEntry("agent", key, password, chain.toArray(X509Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(own, password);
            }
            SSLContext tls = SSLContext.getInstance("TLSv1.3");
            tls.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            SSLParameters parameters = new SSLParameters();
            parameters.setProtocols(new String[] {"TLSv1.3"});
            return HttpClient.newBuilder().sslContext(tls).sslParameters(parameters)
                    .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot set up TLS for enrollment: " + e.getMessage(), e);
        }
    }

    static KeyPair newKeyPair() {
        return CsrBuilder.generateKeyPair();
    }

    static String csr(KeyPair keys, String commonName) {
        return new CsrBuilder(keys).commonName(commonName).toPem();
    }
}
