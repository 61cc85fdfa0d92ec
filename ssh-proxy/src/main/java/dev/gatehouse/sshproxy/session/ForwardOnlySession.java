package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.events.Activity;
import dev.gatehouse.sshproxy.events.SessionInfo;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.server.session.ServerSession;

/**
 * An incoming connection that only forwards ({@code ssh -N -L}): no target login, but a session all the same, so it
 * counts toward the person's limit, ends at the maximum length, and can be terminated and revoked. One activity per
 * flow.
 */
public final class ForwardOnlySession implements LiveSession {

    private final TargetSessions sessions;
    private final ServerSession downstream;
    private final SessionInfo info;
    private final AtomicInteger flows = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    ForwardOnlySession(TargetSessions sessions, ServerSession downstream, SessionInfo info) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.downstream = Objects.requireNonNull(downstream, "downstream");
        this.info = Objects.requireNonNull(info, "info");
    }

    /** Starts recording one flow of this session. */
    public Activity startFlow(String description) {
        int n = flows.incrementAndGet();
        Activity activity = new Activity(n == 1 ? info.sessionId() : info.sessionId() + "." + n, info,
                Activity.Kind.FORWARD, description, null, 0, 0, Instant.now());
        sessions.listener().activityStarted(activity);
        return activity;
    }

    public SessionInfo info() {
        return info;
    }

    @Override
    public String sessionId() {
        return info.sessionId();
    }

    @Override
    public GatewayUser user() {
        return new GatewayUser(info.username());
    }

    @Override
    public ServerSession downstream() {
        return downstream;
    }

    @Override
    public void notice(String message) {
        // No channel of this connection shows text (-N has no session channel); the ending disconnect message does.
    }

    @Override
    public void close(String reason) {
        if (closed.compareAndSet(false, true)) {
            sessions.release(this);
            sessions.listener().sessionEnded(info, reason);
        }
    }
}
