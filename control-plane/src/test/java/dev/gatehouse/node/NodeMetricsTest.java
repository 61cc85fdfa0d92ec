package dev.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.config.InvalidSettingException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bastion node's {@code /metrics}: off by default, loopback without a token, beyond loopback only with one. */
class NodeMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    NodeMetricsTest() {
        Counter.builder("gatehouse.ssh.sessions.started").register(registry).increment(3);
    }

    @Test
    void offUnlessAPortIsSet() {
        try (NodeMetrics metrics = NodeMetrics.serve(new GatehouseSettings.Node.Metrics(0, "127.0.0.1", null, null),
                registry)) {
            assertThat(metrics.port()).isZero();
        }
    }

    @Test
    void onLoopbackTheMetersAreServedAsPrometheusText() throws Exception {
        try (NodeMetrics metrics = NodeMetrics.serve(new GatehouseSettings.Node.Metrics(freePort(), "127.0.0.1",
                null, null), registry)) {
            HttpResponse<String> scraped = get(metrics.port(), null);
            assertThat(scraped.statusCode()).isEqualTo(200);
            assertThat(scraped.body()).contains("gatehouse_ssh_sessions_started_total 3.0");
            assertThat(get(metrics.port(), null, "/other").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void beyondLoopbackATokenIsRequiredAndEveryScrapePresentsIt(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> NodeMetrics.serve(new GatehouseSettings.Node.Metrics(freePort(), "0.0.0.0", null,
                null),
                registry)).isInstanceOf(InvalidSettingException.class).hasMessageContaining("token-file");
        Path token = Files.writeString(dir.resolve("token"), "a-scrape-token-0123456789\n");
        try (NodeMetrics metrics = NodeMetrics.serve(new GatehouseSettings.Node.Metrics(freePort(), "0.0.0.0",
                null, token), registry)) {
            assertThat(get(metrics.port(), null).statusCode()).isEqualTo(401);
            assertThat(get(metrics.port(), "a-wrong-token-0123456789").statusCode()).isEqualTo(401);
            HttpResponse<String> scraped = get(metrics.port(), "a-scrape-token-0123456789");
            assertThat(scraped.statusCode()).isEqualTo(200);
            assertThat(scraped.body()).contains("gatehouse_ssh_sessions_started_total");
        }
        try (NodeMetrics metrics = NodeMetrics.serve(new GatehouseSettings.Node.Metrics(freePort(), "0.0.0.0",
                "a-token-from-the-environment", null), registry)) {
            assertThat(get(metrics.port(), null).statusCode()).isEqualTo(401);
            assertThat(get(metrics.port(), "a-token-from-the-environment").statusCode()).isEqualTo(200);
        }
    }

    private static HttpResponse<String> get(int port, String token) throws Exception {
        return get(port, token, "/metrics");
    }

    private static HttpResponse<String> get(int port, String token, String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static int freePort() {
        return NodeCluster.port();
    }
}
