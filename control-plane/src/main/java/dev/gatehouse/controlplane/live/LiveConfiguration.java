package dev.gatehouse.controlplane.live;

import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * The live view's WebSocket. Only same-origin pages may open it (Spring's default origin check), so another site
 * cannot ride a signed-in console user's cookie.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class LiveConfiguration implements WebSocketConfigurer, DisposableBean {

    /**
     * A node relaying a view sends at least an empty batch every 5 s; a view not heard from for this long is ended
     * (its node stopped or crashed), so nobody watches a frozen terminal.
     */
    static final Duration RELAY_SILENCE = Duration.ofSeconds(15);

    private final LiveTerminalSocket socket;
    private final ScheduledExecutorService sweeper;

    LiveConfiguration(LiveTerminals terminals, ControlPlaneAudit trail, ObjectProvider<RemoteWatch> remote) {
        RemoteWatch nodes = remote.getIfAvailable();
        this.socket = new LiveTerminalSocket(terminals, trail, nodes);
        this.sweeper = nodes == null ? null : Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("live-relay-silence").daemon().factory());
        if (sweeper != null) {
            sweeper.scheduleWithFixedDelay(() -> terminals.endSilentRemotes(RELAY_SILENCE), 1, 1, TimeUnit.SECONDS);
        }
    }

    @Override
    public void destroy() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }

    @Bean
    static LiveTerminals liveTerminals() {
        return new LiveTerminals();
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(socket, LiveTerminalSocket.PATH);
    }
}
