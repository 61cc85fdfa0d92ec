package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.access.Target;
import dev.gatehouse.sshproxy.events.BastionListener;
import dev.gatehouse.sshproxy.events.Detachment;
import dev.gatehouse.sshproxy.events.SessionInfo;
import dev.gatehouse.sshproxy.events.SourceAddress;
import dev.gatehouse.sshproxy.forward.JumpRegistry;
import dev.gatehouse.sshproxy.upstream.UpstreamConnector;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.server.session.ServerSession;

/**
 * The live gateway sessions: created per incoming connection, counted per person, terminable by id; and the
 * authenticated connections, for re-checking access when it changes.
 */
public final class TargetSessions {

    private static final Duration WARNING = Duration.ofMinutes(5);

    private final AccessDecider decider;
    private final UpstreamConnector connector;
    private final BastionListener listener;
    private final int maxSessionsPerUser;
    private final boolean failClosed;
    private final Map<String, LiveSession> live = new ConcurrentHashMap<>();
    private final Set<ServerSession> connections = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> perUser = new ConcurrentHashMap<>();
    /** Per live session: the warning before its maximum length, then the end. */
    private final Map<String, List<ScheduledFuture<?>>> deadlines = new ConcurrentHashMap<>();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("gatehouse-session-limits").factory());
    private final DetachedSessions detached = new DetachedSessions(clock);

    public TargetSessions(AccessDecider decider, UpstreamConnector connector, BastionListener listener,
                          int maxSessionsPerUser, boolean failClosed) {
        this.decider = Objects.requireNonNull(decider, "decider");
        this.connector = Objects.requireNonNull(connector, "connector");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.maxSessionsPerUser = maxSessionsPerUser;
        this.failClosed = failClosed;
    }

    /** The target connection behind {@code session}, or empty when it asked for the menu. */
    public TargetConnection connectionFor(ServerSession session) {
        return session.computeAttributeIfAbsent(SessionKeys.TARGET, k -> {
            GatewayUser user = session.getAttribute(SessionKeys.USER);
            JumpRegistry.Jump jump = session.getAttribute(SessionKeys.JUMP);
            Route route = jump != null ? Route.ToTarget.of(session.getUsername(), jump.targetName())
                    : Route.parse(session.getUsername());
            return route instanceof Route.ToTarget toTarget ? new TargetConnection(this, session, user, toTarget)
                    : null;
        });
    }

    /** Makes a menu connection a session to the login and host the person chose. */
    void choose(ServerSession session, Route.ToTarget route) {
        session.setAttribute(SessionKeys.TARGET,
                new TargetConnection(this, session, session.getAttribute(SessionKeys.USER), route));
    }

    /** Called when an incoming connection ends. */
    public void closed(ServerSession session, String reason) {
        connections.remove(session);
        String ending = session.getAttribute(SessionKeys.END_REASON);
        String why = ending != null ? ending : reason;
        TargetConnection connection = session.getAttribute(SessionKeys.TARGET);
        // A detached session outlives its connection; a re-attached one belongs to its new connection.
        if (connection != null && connection.downstream() == session && !connection.detached()
                && !connection.holdOnLoss(session)) {
            connection.close(why);
        }
        ForwardOnlySession forwards = session.getAttribute(SessionKeys.FORWARD_ONLY);
        if (forwards != null) {
            forwards.close(why);
        }
    }

    /** Ends a live session within a second, telling the user why. False when no such session is live. */
    public boolean terminate(String sessionId, String reason) {
        // Claimed atomically: a second terminate (or the max-length timer racing an admin) finds nothing to end.
        LiveSession connection = live.remove(sessionId);
        if (connection == null) {
            return false;
        }
        // The disconnect below closes the connection from an I/O thread, which may record its end first: with this why.
        connection.downstream().setAttribute(SessionKeys.END_REASON, reason);
        disconnect(connection.downstream(), "gatehouse: " + reason);
        connection.close(reason);
        return true;
    }

    /** Ends {@code session} on purpose with {@code message} (OpenSSH prints it); nothing is kept for re-attach. */
    public static void disconnect(ServerSession session, String message) {
        session.setAttribute(SessionKeys.GOODBYE, Boolean.TRUE);
        try {
            session.disconnect(SshConstants.SSH2_DISCONNECT_BY_APPLICATION, message);
        } catch (IOException e) {
            session.close(true);
        }
    }

    public List<LiveSession> live() {
        return List.copyOf(live.values());
    }

    /** Counts the session against its person's limit; returns the refusal reason when over it. */
    String admit(LiveSession session) {
        String name = session.user().username();
        int[] refused = {0};
        perUser.compute(name, (k, count) -> {
            int current = count == null ? 0 : count;
            if (current >= maxSessionsPerUser) {
                refused[0] = 1;
                return count;
            }
            return current + 1;
        });
        if (refused[0] == 1) {
            return "too many concurrent sessions for " + name + " (limit " + maxSessionsPerUser + ")";
        }
        // Other nodes' sessions count too: a slot is taken where every node's sessions are known.
        if (decider.reserveSession(session.user(), session.sessionId()) instanceof Decision.Denied<String> denied) {
            perUser.computeIfPresent(name, (k, count) -> count <= 1 ? null : count - 1);
            return denied.reason();
        }
        return null;
    }

    void release(LiveSession session) {
        perUser.computeIfPresent(session.user().username(), (k, count) -> count <= 1 ? null : count - 1);
        decider.releaseSession(session.sessionId());
        live.remove(session.sessionId());
        List<ScheduledFuture<?>> timers = deadlines.remove(session.sessionId());
        if (timers != null) {
            timers.forEach(timer -> timer.cancel(false));
        }
    }

    /** Makes an admitted session live: terminable, and bounded by {@code length} (warned before, then ended). */
    void started(LiveSession session, SessionInfo info, Duration length) {
        live.put(session.sessionId(), session);
        Duration notice = warningBefore(length);
        deadlines.put(session.sessionId(), List.of(
                clock.schedule(() -> session.notice("this session ends in " + describe(notice) + " (maximum session"
                        + " length of " + describe(length) + "); save your work"),
                        length.minus(notice).toMillis(), TimeUnit.MILLISECONDS),
                clock.schedule(() -> terminate(session.sessionId(),
                        "maximum session length of " + describe(length) + " reached; the session is closed"),
                        length.toMillis(), TimeUnit.MILLISECONDS)));
        listener.sessionStarted(info);
    }

    /**
     * The session of a connection that forwards without a target login: admitted against the person's limit on its
     * first flow, then shared by the later ones.
     */
    public ForwardOnlySession forwardOnly(ServerSession session, GatewayUser user, Duration maxLength)
            throws AccessRefusedException {
        synchronized (session) {
            ForwardOnlySession existing = session.getAttribute(SessionKeys.FORWARD_ONLY);
            if (existing != null) {
                return existing;
            }
            ForwardOnlySession created = new ForwardOnlySession(this, session, new SessionInfo(
                    UUID.randomUUID().toString(), user.username(), "-", "-", Target.DIRECT_NETWORK,
                    SourceAddress.of(session.getClientAddress()), Instant.now()));
            String limit = admit(created);
            if (limit != null) {
                throw new AccessRefusedException(limit);
            }
            session.setAttribute(SessionKeys.FORWARD_ONLY, created);
            started(created, created.info(), maxLength);
            return created;
        }
    }

    /** Registers an authenticated incoming connection, so a change of its person's access re-checks it. */
    public void authenticated(ServerSession session) {
        connections.add(session);
    }

    /** The authenticated incoming connections still open. */
    Set<ServerSession> connections() {
        return Set.copyOf(connections);
    }

    /** How long before the maximum length the person is warned: 5 minutes, or half of a shorter session. */
    static Duration warningBefore(Duration length) {
        Duration half = length.dividedBy(2);
        return half.compareTo(WARNING) < 0 ? half : WARNING;
    }

    private static String describe(Duration length) {
        return length.toHours() >= 1 && length.toMinutesPart() == 0 ? length.toHours() + " h"
                : length.toMinutes() >= 1 && length.toSecondsPart() == 0 ? length.toMinutes() + " min"
                : length.toSeconds() + " s";
    }

    /** Keeps a detached session until it is re-attached or its grace runs out. */
    void hold(DetachedSessions.Held session) {
        detached.hold(session, expired -> {
            listener.detachment(expired.activity(), new Detachment(Detachment.Kind.EXPIRED,
                    expired.connection().source(), expired.grace()));
            expired.connection().close("detached for " + describe(expired.grace()) + " without re-attach");
        });
    }

    void forgetDetached(String sessionId) {
        detached.forget(sessionId);
    }

    DetachedSessions detached() {
        return detached;
    }

    /** The sessions this node keeps for re-attach now. */
    public List<DetachedSession> detachedSessions() {
        return detached.all().stream().map(held -> new DetachedSession(held.connection().sessionId(), held.username(),
                held.connection().route().login(), held.connection().route().host(), held.detachedAt())).toList();
    }

    /** Whether the live session {@code sessionId} is detached now (its engineer's connection lost, kept for re-attach). */
    public boolean isDetached(String sessionId) {
        return detached.contains(sessionId);
    }

    /** Stops the session-length clock and ends detached sessions (at bastion shutdown). */
    public void shutdown() {
        detached.all().forEach(held -> held.connection().close("the gateway is shutting down"));
        clock.shutdownNow();
    }

    boolean failClosed() {
        return failClosed;
    }

    AccessDecider decider() {
        return decider;
    }

    UpstreamConnector connector() {
        return connector;
    }

    public BastionListener listener() {
        return listener;
    }
}
