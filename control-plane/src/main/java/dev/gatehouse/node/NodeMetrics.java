package dev.gatehouse.node;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.config.InvalidSettingException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bastion node's Prometheus endpoint, {@code GET /metrics} ({@code gatehouse.node.metrics.*}): the node's SSH
 * sessions, bytes relayed, set-up times, recorder queue, evidence spool and upload lag, and its JVM, under the same
 * names as the all-in-one's {@code /actuator/prometheus}. A node serves no other HTTP. Off unless a port is set; a
 * bind address other than loopback needs a bearer token ({@code token} or {@code token-file}), which every scrape must
 * then present.
 */
final class NodeMetrics implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeMetrics.class);

    private final HttpServer server;
    private final PrometheusMeterRegistry registry;
    private final byte[] token;

    private NodeMetrics(HttpServer server, PrometheusMeterRegistry registry, byte[] token) {
        this.server = server;
        this.registry = registry;
        this.token = token;
    }

    /** Serves {@code registry} as the settings say; serves nothing when the endpoint is off (port 0). */
    static NodeMetrics serve(GatehouseSettings.Node.Metrics settings, PrometheusMeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (settings.port() == 0) {
            return new NodeMetrics(null, registry, null);
        }
        try {
            InetAddress address = InetAddress.getByName(settings.bindAddress());
            byte[] token = null;
            if (settings.token() != null && !settings.token().isBlank()) {
                token = settings.token().strip().getBytes(StandardCharsets.UTF_8);
            } else if (settings.tokenFile() != null) {
                token = Files.readString(settings.tokenFile()).strip().getBytes(StandardCharsets.UTF_8);
            }
            if (!address.isLoopbackAddress() && (token == null || token.length < 16)) {
                throw new InvalidSettingException("gatehouse.node.metrics.token (or .token-file)", "a bearer token of"
                        + " at least 16 characters", "the metrics endpoint binds " + settings.bindAddress()
                        + ", beyond loopback, so scrapes must present a token");
            }
            HttpServer server = HttpServer.create(new InetSocketAddress(address, settings.port()), 16);
            NodeMetrics metrics = new NodeMetrics(server, registry, token);
            server.createContext("/metrics", metrics::handle);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            log.info("metrics on http://{}:{}/metrics{}", settings.bindAddress(), server.getAddress().getPort(),
                    token == null ? "" : " (bearer token required)");
            return metrics;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + settings.bindAddress() + ":" + settings.port()
                    + " (gatehouse.node.metrics.port): " + e.getMessage(), e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) || !"/metrics".equals(exchange.getRequestURI().getPath())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (token != null && !presents(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private boolean presents(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(token, authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }

    /** The port served, or 0 when off. */
    int port() {
        return server == null ? 0 : server.getAddress().getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
