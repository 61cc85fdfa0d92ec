package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.events.Activity;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The shells and commands of this gateway node whose engineer lost the connection, kept for re-attach until their
 * grace runs out. Only the person who started one finds it, and only for the login and host it runs on. The registry
 * is this node's: a reconnect that lands on another node does not see it (see the README's several-nodes note).
 */
final class DetachedSessions {

    /** One detached shell or command: the session, the client leg holding its output, the activity it records. */
    record Held(TargetConnection connection, ClientLeg leg, Activity activity, Instant detachedAt, Duration grace) {

        String username() {
            return connection.user().username();
        }
    }

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> expiries = new ConcurrentHashMap<>();
    private final ScheduledExecutorService clock;

    DetachedSessions(ScheduledExecutorService clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Keeps {@code session} for its grace; then {@code expire} runs unless it was claimed first. */
    void hold(Held session, Consumer<Held> expire) {
        String id = session.connection().sessionId();
        held.put(id, session);
        expiries.put(id, clock.schedule(() -> {
            if (held.remove(id, session)) {
                expiries.remove(id);
                expire.accept(session);
            }
        }, session.grace().toMillis(), TimeUnit.MILLISECONDS));
    }

    /** This person's detached sessions on {@code login}@{@code host}, oldest first. */
    List<Held> of(String username, String login, String host) {
        return held.values().stream()
                .filter(h -> h.username().equals(username))
                .filter(h -> h.connection().route().login().equals(login)
                        && h.connection().route().host().equals(host))
                .sorted(Comparator.comparing(Held::detachedAt))
                .toList();
    }

    /** Every detached session of this person, oldest first (for the menu). */
    List<Held> of(String username) {
        return held.values().stream().filter(h -> h.username().equals(username))
                .sorted(Comparator.comparing(Held::detachedAt)).toList();
    }

    /** Takes {@code session} out of the registry for re-attach: false when it expired or another claim won. */
    boolean claim(Held session) {
        String id = session.connection().sessionId();
        if (!held.remove(id, session)) {
            return false;
        }
        ScheduledFuture<?> expiry = expiries.remove(id);
        if (expiry != null) {
            expiry.cancel(false);
        }
        return true;
    }

    /** Forgets the session with this id (it ended: terminated, revoked); returns what was held, if anything. */
    Held forget(String sessionId) {
        Held removed = held.remove(sessionId);
        ScheduledFuture<?> expiry = expiries.remove(sessionId);
        if (expiry != null) {
            expiry.cancel(false);
        }
        return removed;
    }

    /** Whether the session with this id is detached now. */
    boolean contains(String sessionId) {
        return held.containsKey(sessionId);
    }

    List<Held> all() {
        return List.copyOf(held.values());
    }
}
