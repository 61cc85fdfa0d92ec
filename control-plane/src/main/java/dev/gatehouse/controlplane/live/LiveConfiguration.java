package dev.gatehouse.controlplane.live;

import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
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
class LiveConfiguration implements WebSocketConfigurer {

    private final LiveTerminalSocket socket;

    LiveConfiguration(LiveTerminals terminals, ControlPlaneAudit trail, ObjectProvider<RemoteWatch> remote) {
        this.socket = new LiveTerminalSocket(terminals, trail, remote.getIfAvailable());
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
