package dev.gatehouse.controlplane.live;

import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

/**
 * {@code /api/v1/sessions/{id}/live}: a browser watches a running session. The upgrade is a GET under
 * {@code /api/v1}, so the API's rules already demand an auditor or admin (session cookie or bearer token); this
 * handler checks again, because it must never serve an anonymous socket. Each watch is an audit event. A session held
 * by a bastion node is relayed by that node ({@link RemoteWatch}) and shown the same way.
 */
final class LiveTerminalSocket extends AbstractWebSocketHandler {

    static final String PATH = "/api/v1/sessions/*/live";
    private static final Pattern ID = Pattern.compile("/api/v1/sessions/([A-Za-z0-9._:-]{1,128})/live$");
    private static final String WATCHER = "gatehouse.liveWatcher";
    private static final String FEED = "gatehouse.liveFeed";
    private static final String REMOTE = "gatehouse.liveRemote";

    private final LiveTerminals terminals;
    private final ControlPlaneAudit trail;
    private final RemoteWatch remote;

    /** {@code remote}: null where no bastion node holds sessions (the all-in-one). */
    LiveTerminalSocket(LiveTerminals terminals, ControlPlaneAudit trail, RemoteWatch remote) {
        this.terminals = Objects.requireNonNull(terminals, "terminals");
        this.trail = Objects.requireNonNull(trail, "trail");
        this.remote = remote;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession socket) throws Exception {
        Optional<String> actor = allowedActor(socket.getPrincipal());
        if (actor.isEmpty()) {
            socket.close(CloseStatus.POLICY_VIOLATION.withReason("auditor or admin scope required"));
            return;
        }
        String id = sessionId(socket.getUri());
        LiveWatcher watcher = new LiveWatcher(socket);
        Optional<LiveFeed> feed = id == null ? Optional.empty() : terminals.feed(id);
        // Held by a bastion node: watched here, relayed by the node (asked for the first watcher on this control plane).
        Optional<String> node = feed.isPresent() || id == null || remote == null ? Optional.empty()
                : remote.holder(id);
        boolean live = feed.isPresent() || node.isPresent();
        trail.record(new AuditRecord("session.watched", actor.get(), "session:" + (id == null ? "?" : id), null,
                node.isPresent() ? Map.of("live", true, "node", node.get()) : Map.of("live", live),
                source(socket), live ? "success" : "denied", live ? null : "not live on this gateway"));
        if (!live) {
            watcher.close(new CloseStatus(4404, "session is not live on this gateway"));
            return;
        }
        socket.getAttributes().put(WATCHER, watcher);
        if (feed.isPresent()) {
            socket.getAttributes().put(FEED, feed.get());
            feed.get().watch(watcher);
        } else {
            socket.getAttributes().put(REMOTE, id);
            terminals.watchRemote(id, node.get(), watcher,
                    () -> remote.ask(node.get(), id, actor.get(), source(socket)));
        }
    }

    @Override
    public void afterConnectionClosed(WebSocketSession socket, CloseStatus status) {
        if (socket.getAttributes().get(WATCHER) instanceof LiveWatcher watcher) {
            if (socket.getAttributes().get(FEED) instanceof LiveFeed feed) {
                feed.unwatch(watcher);
            }
            if (socket.getAttributes().get(REMOTE) instanceof String id) {
                terminals.unwatchRemote(id, watcher);
            }
            watcher.close(status);
        }
    }

    @Override
    public void handleTransportError(WebSocketSession socket, Throwable exception) {
        afterConnectionClosed(socket, CloseStatus.SERVER_ERROR);
    }

    static String sessionId(URI uri) {
        if (uri == null) {
            return null;
        }
        Matcher matcher = ID.matcher(uri.getPath());
        return matcher.find() ? matcher.group(1) : null;
    }

    private static Optional<String> allowedActor(Principal principal) {
        if (principal instanceof Authentication authentication && authentication.isAuthenticated()
                && authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                        .anyMatch(a -> a.equals("ROLE_ADMIN") || a.equals("ROLE_AUDITOR"))) {
            return Optional.of(authentication.getName());
        }
        return Optional.empty();
    }

    private static String source(WebSocketSession socket) {
        InetSocketAddress remote = socket.getRemoteAddress();
        return remote == null ? null : remote.getAddress().getHostAddress();
    }
}
