package dev.gatehouse.controlplane.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.GatehouseTestApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Who may open the live view's WebSocket: deny by default, same origin only, and only for sessions that are live. */
class LiveTerminalSocketIT extends GatehouseTestApplication {

    @Test
    void anonymousUpgradeIsRefusedBeforeTheHandshake() {
        Throwable refused = connect(null, null).handle((socket, error) -> error).join();

        assertThat(refused).isInstanceOf(CompletionException.class).cause().isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode()).isEqualTo(401);
    }

    @Test
    void upgradeFromAnotherSiteIsRefusedEvenWithCredentials() {
        Throwable refused = connect(token(unique("watch"), "auditor"), "https://evil.example")
                .handle((socket, error) -> error).join();

        assertThat(refused).isNotNull().cause().isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode()).isEqualTo(403);
    }

    @Test
    void auditorWatchingASessionThatIsNotLiveIsToldSoAndAudited() throws Exception {
        String auditor = unique("watcher");
        CompletableFuture<String> closed = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closed.complete(statusCode + " " + reason);
                return null;
            }
        };
        HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + token(auditor, "auditor"))
                .buildAsync(uri(), listener).get(30, TimeUnit.SECONDS);

        assertThat(closed.get(30, TimeUnit.SECONDS)).isEqualTo("4404 session is not live on this gateway");
        assertThat(api.get("/api/v1/audit/events?type=session.watched&actor=token:" + auditor, ADMIN).body())
                .contains("session:no-such-session").contains("\"outcome\":\"denied\"");
    }

    private CompletableFuture<WebSocket> connect(String token, String origin) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (origin != null) {
            builder.header("Origin", origin);
        }
        return builder.buildAsync(uri(), new WebSocket.Listener() {});
    }

    private URI uri() {
        return URI.create("ws://127.0.0.1:" + port + "/api/v1/sessions/no-such-session/live");
    }
}
