package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.access.Target;
import dev.gatehouse.sshproxy.events.Activity;
import dev.gatehouse.sshproxy.events.Denial;
import dev.gatehouse.sshproxy.events.SessionInfo;
import dev.gatehouse.sshproxy.events.Detachment;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.server.session.ServerSession;

/**
 * The upstream half of one gateway session: decided and logged in on the first channel that needs it, shared by every
 * later channel of the same incoming connection (ControlMaster, sftp after shell), closed with it.
 */
public final class TargetConnection implements LiveSession {

    private final TargetSessions sessions;
    /** The engineer's connection: replaced when a detached session is re-attached from a new one. */
    private volatile ServerSession downstream;
    /**
     * The key {@link #downstream} authenticated with (null for a certificate-less way in), kept here because MINA
     * clears a connection's attributes when it closes: a detached session is re-checked against it.
     */
    private volatile PublicKey key;
    private final GatewayUser user;
    private final Route.ToTarget route;
    private final String sessionId = UUID.randomUUID().toString();
    private final AtomicInteger activities = new AtomicInteger();
    private final List<Consumer<String>> terminals = new CopyOnWriteArrayList<>();
    private final Map<DetachableRelay, Activity> legs = new ConcurrentHashMap<>();
    private ClientSession upstream;
    private SessionInfo info;
    private Target target;
    private String refusal;
    private boolean closed;
    /** The relayed channel kept for re-attach while the engineer's connection is gone; null while attached. */
    private DetachableRelay held;

    TargetConnection(TargetSessions sessions, ServerSession downstream, GatewayUser user, Route.ToTarget route) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.downstream = Objects.requireNonNull(downstream, "downstream");
        this.key = downstream.getAttribute(SessionKeys.KEY);
        this.user = Objects.requireNonNull(user, "user");
        this.route = Objects.requireNonNull(route, "route");
    }

    /** The logged-in upstream session, connecting on first use; refusals repeat their first reason. */
    public synchronized ClientSession open() throws AccessRefusedException {
        if (refusal != null) {
            throw new AccessRefusedException(refusal);
        }
        if (closed) {
            throw new AccessRefusedException("session closed");
        }
        if (upstream != null) {
            return upstream;
        }
        String request = "login " + route.login() + "@" + route.host();
        Decision<Target> decision = sessions.decider().authorizeLogin(user, route.login(), route.host());
        if (decision instanceof Decision.Denied<Target> denied) {
            throw refuse(request, denied.reason());
        }
        target = ((Decision.Allowed<Target>) decision).value();
        String unrecordable = sessions.failClosed() ? sessions.listener().unavailable() : null;
        if (unrecordable != null) {
            throw refuse(request, unrecordable + ", so new sessions are refused; try again later");
        }
        String limit = sessions.admit(this);
        if (limit != null) {
            throw refuse(request, limit);
        }
        try {
            upstream = sessions.connector().connect(user, route.login(), target, sessionId);
        } catch (IOException e) {
            sessions.release(this);
            throw refuse(request, e.getMessage());
        }
        info = new SessionInfo(sessionId, user.username(), route.login(), target.name(), target.network(), source(),
                Instant.now());
        upstream.setAttribute(SessionKeys.CARRIER, this);
        upstream.addCloseFutureListener(f -> closeDownstream());
        sessions.started(this, info, target.maxSessionLength());
        return upstream;
    }

    /**
     * The target's side ended. When its tunnel broke for a reason the gateway knows (say, the agent was revoked), the
     * client is disconnected with that reason, which OpenSSH prints; otherwise the session closes quietly.
     */
    private void closeDownstream() {
        ClientSession ended;
        synchronized (this) {
            ended = upstream;
        }
        String lost = ended == null ? null : sessions.connector().lostReason(ended);
        if (detached()) {
            close("connection to " + route.host() + " lost while detached" + (lost == null ? "" : ": " + lost));
            return;
        }
        if (lost == null) {
            downstream.close(false);
            return;
        }
        try {
            downstream.disconnect(SshConstants.SSH2_DISCONNECT_CONNECTION_LOST,
                    "connection to " + route.host() + " lost: " + lost);
        } catch (IOException e) {
            downstream.close(true);
        }
    }

    private AccessRefusedException refuse(String request, String reason) {
        refusal = reason;
        sessions.listener().denied(null, new Denial(user.username(), source(), request, reason));
        return new AccessRefusedException(reason);
    }

    /** Starts recording one channel of this (logged-in) session. */
    public Activity startActivity(Activity.Kind kind, String command, String term, int columns, int rows) {
        int n = activities.incrementAndGet();
        Activity activity = new Activity(n == 1 ? sessionId : sessionId + "." + n, info(), kind, command, term, columns,
                rows, Instant.now());
        sessions.listener().activityStarted(activity);
        return activity;
    }

    /** Registers where gateway notices reach the person (a relayed channel's stderr) until the returned handle runs. */
    Runnable addTerminal(Consumer<String> terminal) {
        terminals.add(terminal);
        return () -> terminals.remove(terminal);
    }

    /** Tells the person something on every open channel, between the target's own output (e.g. the session is about to end). */
    @Override
    public void notice(String message) {
        terminals.forEach(terminal -> terminal.accept(message));
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public GatewayUser user() {
        return user;
    }

    @Override
    public ServerSession downstream() {
        return downstream;
    }

    /** The session's description once logged in, otherwise null. */
    public synchronized SessionInfo info() {
        return info;
    }

    public synchronized Target target() {
        return target;
    }

    /** The key the engineer's current (or, detached, last) connection authenticated with; null if none. */
    PublicKey key() {
        return key;
    }

    String source() {
        return SessionKeys.source(downstream);
    }

    /** The login and host this connection asked for. */
    Route.ToTarget route() {
        return route;
    }

    /** Registers a relayed shell or exec of this session until the returned handle runs. */
    Runnable relaying(DetachableRelay leg, Activity activity) {
        legs.put(leg, activity);
        return () -> legs.remove(leg);
    }

    /**
     * The engineer's connection {@code lost} ended: keeps the target side for the grant's grace when that is not
     * zero, the connection ended without a goodbye from either side (a reset, a timeout, failed keep-alives) and one
     * shell or exec was relayed on it. True when held; the caller then leaves the upstream open.
     */
    boolean holdOnLoss(ServerSession lost) {
        Duration grace;
        DetachableRelay leg;
        Activity activity;
        synchronized (this) {
            grace = target == null ? Duration.ZERO : target.detachedFor();
            if (closed || held != null || grace.isZero() || lost != downstream || legs.size() != 1
                    || upstream == null || !upstream.isOpen() || upstream.isClosing()
                    || lost.getAttribute(SessionKeys.GOODBYE) != null
                    || lost.getAttribute(SessionKeys.END_REASON) != null) {
                return false;
            }
            Map.Entry<DetachableRelay, Activity> only = legs.entrySet().iterator().next();
            leg = only.getKey();
            activity = only.getValue();
            if (!leg.detach()) {
                return false;
            }
            held = leg;
        }
        sessions.hold(new DetachedSessions.Held(this, leg, activity, leg.detachedAt(), grace));
        sessions.listener().detachment(activity, new Detachment(Detachment.Kind.DETACHED, source(), grace));
        return true;
    }

    /** Whether the target side is kept for re-attach now. */
    synchronized boolean detached() {
        return held != null;
    }

    /** Makes {@code next} this session's engineer connection again (the caller attaches the channel). */
    synchronized void reattached(ServerSession next) {
        downstream = next;
        key = next.getAttribute(SessionKeys.KEY);
        held = null;
        next.setAttribute(SessionKeys.TARGET, this);
    }

    /** Closes the upstream half; called when the incoming connection ends. */
    @Override
    public void close(String reason) {
        ClientSession toClose;
        SessionInfo ended;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = upstream;
            ended = info;
            held = null; // the upstream's close below ends its target channel
        }
        sessions.forgetDetached(sessionId);
        if (toClose != null) {
            toClose.close(true);
        }
        if (ended != null) {
            sessions.release(this);
            sessions.listener().sessionEnded(ended, reason);
        }
    }
}
