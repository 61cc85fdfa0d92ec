package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.events.BastionListener;
import dev.gatehouse.sshproxy.forward.JumpRegistry;
import dev.gatehouse.sshproxy.upstream.UpstreamConnector;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.server.session.ServerSession;

/** The live gateway sessions: created per incoming connection, counted per person, terminable by id. */
public final class TargetSessions {

    private static final Duration WARNING = Duration.ofMinutes(5);

    private final AccessDecider decider;
    private final UpstreamConnector connector;
    private final BastionListener listener;
    private final int maxSessionsPerUser;
    private final boolean failClosed;
    private final Map<String, TargetConnection> live = new ConcurrentHashMap<>();
    private final Map<String, Integer> perUser = new ConcurrentHashMap<>();
    /** Per live session: the warning before its maximum length, then the end. */
    private final Map<String, List<ScheduledFuture<?>>> deadlines = new ConcurrentHashMap<>();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("gatehouse-session-limits").factory());

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
            Route route = jump != null ? new Route.ToTarget(session.getUsername(), jump.targetName())
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
        TargetConnection connection = session.getAttribute(SessionKeys.TARGET);
        if (connection != null) {
            connection.close(reason);
        }
    }

    /** Ends a live session within a second, telling the user why. False when no such session is live. */
    public boolean terminate(String sessionId, String reason) {
        // Claimed atomically: a second terminate (or the max-length timer racing an admin) finds nothing to end.
        TargetConnection connection = live.remove(sessionId);
        if (connection == null) {
            return false;
        }
        disconnect(connection.downstream(), "gatehouse: " + reason);
        connection.close(reason);
        return true;
    }

    public static void disconnect(ServerSession session, String message) {
        try {
            session.disconnect(SshConstants.SSH2_DISCONNECT_BY_APPLICATION, message);
        } catch (IOException e) {
            session.close(true);
        }
    }

    public List<TargetConnection> live() {
        return List.copyOf(live.values());
    }

    /** Counts the connection against its person's limit; returns the refusal reason when over it. */
    String admit(TargetConnection connection) {
        String name = connection.user().username();
        int[] refused = {0};
        perUser.compute(name, (k, count) -> {
            int current = count == null ? 0 : count;
            if (current >= maxSessionsPerUser) {
                refused[0] = 1;
                return count;
            }
            return current + 1;
        });
        return refused[0] == 1
                ? "too many concurrent sessions for " + name + " (limit " + maxSessionsPerUser + ")" : null;
    }

    void release(TargetConnection connection) {
        perUser.computeIfPresent(connection.user().username(), (k, count) -> count <= 1 ? null : count - 1);
        live.remove(connection.sessionId());
        List<ScheduledFuture<?>> timers = deadlines.remove(connection.sessionId());
        if (timers != null) {
            timers.forEach(timer -> timer.cancel(false));
        }
    }

    void started(TargetConnection connection) {
        live.put(connection.sessionId(), connection);
        Duration length = connection.target().maxSessionLength();
        Duration notice = warningBefore(length);
        deadlines.put(connection.sessionId(), List.of(
                clock.schedule(() -> connection.notice("this session ends in " + describe(notice) + " (maximum session"
                        + " length of " + describe(length) + "); save your work"),
                        length.minus(notice).toMillis(), TimeUnit.MILLISECONDS),
                clock.schedule(() -> terminate(connection.sessionId(),
                        "maximum session length of " + describe(length) + " reached; the session is closed"),
                        length.toMillis(), TimeUnit.MILLISECONDS)));
        listener.sessionStarted(connection.info());
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

    /** Stops the session-length clock (at bastion shutdown). */
    public void shutdown() {
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
