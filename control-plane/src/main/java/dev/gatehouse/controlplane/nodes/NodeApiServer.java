package dev.gatehouse.controlplane.nodes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.gatehouse.pki.x509.TlsIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's node port: HTTPS (TLS 1.3) whose clients present certificates from the X.509 CA. Enrolment is
 * the one call made without one (it carries a node token instead); every other call must come from an enrolled node
 * whose certificate is still admitted, else 403.
 */
public final class NodeApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeApiServer.class);
    /** JSON questions are small; evidence batches are split by the node below this. */
    static final int MAX_JSON_BYTES = 1 << 20;
    public static final int MAX_EVIDENCE_BYTES = 64 << 20;

    /** What the server does for an authenticated node (or an enrolling one: node null). */
    public interface Calls {
        /** Answers {@code path}; returns the status and body (JSON, or empty). */
        Reply call(String path, String node, String presentedSerial, byte[] body, String sourceAddress)
                throws IOException;

        /** Records a call refused for want of an admitted node certificate. */
        void refused(String path, String node, String sourceAddress, String reason);
    }

    public record Reply(int status, byte[] body) {}

    private final HttpsServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final NodeStore nodes;
    private final Calls calls;

    public NodeApiServer(String bindAddress, int port, TlsIdentity identity, X509Certificate ca, NodeStore nodes,
            Calls calls) throws IOException {
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.calls = Objects.requireNonNull(calls, "calls");
        SSLContext tls;
        try {
            tls = SSLContext.getInstance("TLSv1.3");
            tls.init(identity.keyManagerFactory().getKeyManagers(), TlsIdentity.trusting(ca).getTrustManagers(), null);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS for the node port: " + e.getMessage(), e);
        }
        server = HttpsServer.create(new InetSocketAddress(bindAddress, port), 64);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters parameters) {
                SSLParameters ssl = tls.getDefaultSSLParameters();
                ssl.setProtocols(new String[] {"TLSv1.3"});
                // Wanted, not needed: a node enrolling has no certificate yet; handle() refuses the rest without one.
                ssl.setWantClientAuth(true);
                parameters.setSSLParameters(ssl);
            }
        });
        server.setExecutor(executor);
        server.createContext("/node/v1/", this::handle);
    }

    public NodeApiServer start() {
        server.start();
        log.info("node port listening on {}", port());
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String source = exchange.getRemoteAddress().getAddress().getHostAddress();
            if (!"POST".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "only POST");
                return;
            }
            X509Certificate peer = peer((HttpsExchange) exchange);
            String node = peer == null ? null : NodeEnrollment.nodeName(peer);
            String serial = peer == null ? null : peer.getSerialNumber().toString(16);
            if (!NodeWire.ENROL.equals(path) && (node == null || !nodes.admits(node, serial))) {
                String reason = peer == null ? "no client certificate"
                        : node == null ? "certificate " + peer.getSubjectX500Principal().getName() + " is no node's"
                        : "node " + node + " is not enrolled or certificate " + serial + " is no longer admitted";
                calls.refused(path, node, source, reason);
                send(exchange, 403, "a certificate of an enrolled bastion node is required");
                return;
            }
            int limit = NodeWire.EVIDENCE.equals(path) ? MAX_EVIDENCE_BYTES : MAX_JSON_BYTES;
            byte[] body = read(exchange.getRequestBody(), limit);
            if (body == null) {
                send(exchange, 413, "request body over " + limit + " bytes");
                return;
            }
            Reply reply = calls.call(path, node, serial, body, source);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
            exchange.getResponseBody().write(reply.body());
        } catch (RuntimeException e) {
            log.warn("node port: {} failed: {}", exchange.getRequestURI().getPath(), e.toString(), e);
            send(exchange, 500, "internal error");
        }
    }

    private static X509Certificate peer(HttpsExchange exchange) {
        try {
            Certificate[] chain = exchange.getSSLSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? leaf : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private static byte[] read(InputStream in, int limit) throws IOException {
        byte[] body = in.readNBytes(limit + 1);
        return body.length > limit ? null : body;
    }

    private static void send(HttpExchange exchange, int status, String message) throws IOException {
        byte[] body = ("{\"error\":\"" + message.replace("\"", "'") + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
