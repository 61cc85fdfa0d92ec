package dev.gatehouse.sshproxy.server;

import java.io.Closeable;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenSSH's {@code ClientAliveInterval}/{@code ClientAliveCountMax} for the bastion's authenticated clients: every
 * interval a {@code keepalive@openssh.com} request that wants a reply (OpenSSH answers it, with a failure); after
 * {@code misses} unanswered in a row the connection is closed without a goodbye, so it counts as lost and a
 * detachable shell on it is kept for re-attach. MINA's own server heartbeat expects no reply and cannot tell.
 */
final class ClientKeepAlive implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(ClientKeepAlive.class);
    private static final String REQUEST = "keepalive@openssh.com";

    private final Duration interval;
    private final int misses;
    private final Map<ServerSession, AtomicInteger> unanswered = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("gatehouse-client-keep-alive").factory());

    ClientKeepAlive(Duration interval, int misses) {
        this.interval = Objects.requireNonNull(interval, "interval");
        this.misses = misses;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::round, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void watch(ServerSession session) {
        unanswered.put(session, new AtomicInteger());
    }

    void forget(ServerSession session) {
        unanswered.remove(session);
    }

    private void round() {
        unanswered.forEach((session, count) -> {
            if (count.incrementAndGet() > misses) {
                unanswered.remove(session);
                LOG.info("client {} answered none of {} keep-alives: connection lost", session.getClientAddress(),
                        misses);
                session.close(true);
                return;
            }
            try {
                ((KeepAliveAwareSession) session).keepAlive(REQUEST, (reply, buffer) -> count.set(0));
            } catch (Exception e) {
                LOG.debug("keep-alive to {} not sent", session.getClientAddress(), e);
            }
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
