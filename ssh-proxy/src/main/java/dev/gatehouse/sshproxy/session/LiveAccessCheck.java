package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.access.AccessChanges;
import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.ForwardRoute;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.access.Target;
import dev.gatehouse.sshproxy.events.BastionListener;
import dev.gatehouse.sshproxy.events.Denial;
import dev.gatehouse.sshproxy.events.SessionInfo;
import dev.gatehouse.sshproxy.events.SourceAddress;
import dev.gatehouse.sshproxy.forward.JumpRegistry;
import java.io.Closeable;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends live connections whose access no longer holds. Every period it asks which people's access changed
 * ({@link AccessDecider#changesSince}) and decides each of their live connections again as if it were new: the key
 * still names the person, the login on the target is still granted, each open forward still is. Polling a revision
 * rather than waiting for a push means a lost notification costs one period, and every bastion node does the same.
 */
public final class LiveAccessCheck implements Closeable {

    /** How often the control plane is asked what changed: revocations bite within this (plus the re-check). */
    public static final Duration PERIOD = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(LiveAccessCheck.class);

    private final TargetSessions sessions;
    private final AccessDecider decider;
    private final BastionListener listener;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("gatehouse-access-recheck").factory());
    /** Only read and written on the timer thread. */
    private long revision;

    public LiveAccessCheck(TargetSessions sessions, AccessDecider decider, BastionListener listener) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.decider = Objects.requireNonNull(decider, "decider");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Starts polling every {@code period}. */
    public void start(Duration period) {
        timer.scheduleWithFixedDelay(this::poll, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void poll() {
        try {
            AccessChanges changes = decider.changesSince(revision);
            for (ServerSession connection : sessions.connections()) {
                GatewayUser user = connection.getAttribute(SessionKeys.USER);
                if (user != null && changes.concerns(user.username())) {
                    recheck(connection, user, changes.reasonFor(user.username()));
                }
            }
            for (DetachedSessions.Held held : sessions.detached().all()) {
                GatewayUser user = held.connection().user();
                if (changes.concerns(user.username())) {
                    recheckDetached(held.connection(), user, changes.reasonFor(user.username()));
                }
            }
            // Moved on only once every connection was re-checked: after a failure the same changes come again.
            revision = changes.revision();
        } catch (RuntimeException e) {
            log.warn("live sessions not re-checked this time: {}", e.toString());
        }
    }

    private void recheck(ServerSession connection, GatewayUser user, String change) {
        String refusal = refusalNow(connection, user);
        if (refusal != null) {
            end(connection, user, change, refusal);
            return;
        }
        TargetConnection target = connection.getAttribute(SessionKeys.TARGET);
        boolean forwardOnly = target == null || target.info() == null;
        Set<LiveForward> forwards = connection.getAttribute(SessionKeys.FORWARDS);
        for (LiveForward forward : forwards == null ? Set.<LiveForward>of() : Set.copyOf(forwards)) {
            Decision<ForwardRoute> decision = decider.authorizeForward(user, forward.via(), forward.destination());
            if (decision instanceof Decision.Denied<ForwardRoute> denied) {
                if (forwardOnly) {
                    end(connection, user, change, denied.reason());
                    return;
                }
                // The login still holds, so only this flow goes.
                listener.denied(target.info(), new Denial(user.username(), source(connection),
                        "forward " + forward.destination() + " ended", denied.reason()));
                forward.end().run();
            }
        }
    }

    /**
     * A detached session has no connection to re-check: the key of its last connection and its login are decided
     * again, and the session ended when either is refused, as an attached one would be.
     */
    private void recheckDetached(TargetConnection detached, GatewayUser user, String change) {
        String refusal = keyRefusal(detached.key(), user);
        if (refusal == null) {
            refusal = loginRefusal(detached, user);
        }
        if (refusal != null) {
            listener.denied(detached.info(), new Denial(user.username(), detached.source(),
                    "session " + detached.sessionId() + " re-checked", refusal));
            sessions.terminate(detached.sessionId(), "session ended: your access was revoked (" + change + ")");
        }
    }

    /** Why this connection would be refused if it were opened now, or null when it would not be. */
    private String refusalNow(ServerSession connection, GatewayUser user) {
        String refusal = keyRefusal(connection.getAttribute(SessionKeys.KEY), user);
        TargetConnection target = connection.getAttribute(SessionKeys.TARGET);
        return refusal != null || target == null || target.info() == null ? refusal : loginRefusal(target, user);
    }

    /** Why {@code key} (the one a connection authenticated with, if any) would be refused now, or null. */
    private String keyRefusal(PublicKey key, GatewayUser user) {
        if (key == null) {
            return null;
        }
        Decision<GatewayUser> owner = decider.authenticate(key);
        if (owner instanceof Decision.Denied<GatewayUser> denied) {
            return denied.reason();
        }
        return ((Decision.Allowed<GatewayUser>) owner).value().equals(user) ? null
                : "the key now belongs to another person";
    }

    /** Why {@code target}'s login would be refused now (limits on new sessions aside), or null. */
    private String loginRefusal(TargetConnection target, GatewayUser user) {
        Decision<Target> login = decider.recheckLogin(user, target.route().login(), target.route().host());
        return login instanceof Decision.Denied<Target> denied ? denied.reason() : null;
    }

    private void end(ServerSession connection, GatewayUser user, String change, String refusal) {
        String message = "session ended: your access was revoked (" + change + ")";
        TargetConnection target = connection.getAttribute(SessionKeys.TARGET);
        ForwardOnlySession forwards = connection.getAttribute(SessionKeys.FORWARD_ONLY);
        SessionInfo info = target != null && target.info() != null ? target.info()
                : forwards != null ? forwards.info() : null;
        listener.denied(info, new Denial(user.username(), source(connection),
                "session " + (info == null ? "-" : info.sessionId()) + " re-checked", refusal));
        boolean ended = target != null && sessions.terminate(target.sessionId(), message);
        ended |= forwards != null && sessions.terminate(forwards.sessionId(), message);
        if (!ended) {
            // Authenticated but holding no session yet (the menu, or between channels).
            TargetSessions.disconnect(connection, "gatehouse: " + message);
        }
    }

    private static String source(ServerSession connection) {
        JumpRegistry.Jump jump = connection.getAttribute(SessionKeys.JUMP);
        return jump != null ? jump.source() : SourceAddress.of(connection.getClientAddress());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
