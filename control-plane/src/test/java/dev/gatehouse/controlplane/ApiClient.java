package dev.gatehouse.controlplane;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Real HTTP against the running gateway, as a script or the console would call it. */
public final class ApiClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final HttpClient http;

    public ApiClient(int port) {
        this("http://127.0.0.1:" + port, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
    }

    private ApiClient(String base, HttpClient http) {
        this.base = base;
        this.http = http;
    }

    /** A client whose connections come from {@code localAddress} (any 127.x.y.z works on loopback). */
    public static ApiClient from(int port, String localAddress) {
        try {
            return new ApiClient("http://127.0.0.1:" + port, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                    .localAddress(java.net.InetAddress.getByName(localAddress)).build());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(localAddress, e);
        }
    }

    /** A loopback address no other test uses, to be a source of its own. */
    public static String freshLoopbackAddress() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        return "127." + random.nextInt(1, 255) + "." + random.nextInt(1, 255) + "." + random.nextInt(2, 255);
    }

    public Reply get(String path, String token) {
        return send("GET", path, token, null);
    }

    public Reply post(String path, String token, String json) {
        return send("POST", path, token, json);
    }

    public Reply put(String path, String token, String json) {
        return send("PUT", path, token, json);
    }

    public Reply delete(String path, String token) {
        return send("DELETE", path, token, null);
    }

    /** Sends {@code body} (JSON) with {@code Authorization: Bearer token} when a token is given. */
    public Reply send(String method, String path, String token, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    public Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String base() {
        return base;
    }

    /** {@code reply}, when its status is {@code status}; otherwise a set-up step failed, and the message shows the reply. */
    public static Reply expect(Reply reply, int status) {
        if (reply.status() != status) {
            throw new IllegalStateException("set-up failed, expected " + status + ": " + reply);
        }
        return reply;
    }

    /** A response: status, body, headers. */
    public record Reply(int status, String body, HttpResponse<String> response) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public Optional<String> header(String name) {
            return response.headers().firstValue(name);
        }

        public List<String> headers(String name) {
            return response.headers().allValues(name);
        }

        public String contentType() {
            return header("Content-Type").orElse("");
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
