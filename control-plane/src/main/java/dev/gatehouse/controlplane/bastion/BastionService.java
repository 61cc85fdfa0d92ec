package dev.gatehouse.controlplane.bastion;

import dev.gatehouse.sshproxy.server.BastionServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The running bastion as the rest of the control plane sees it: started with the application context (after the
 * database and CAs exist), stopped before it, and the way {@code POST /sessions/{id}/terminate} reaches a session.
 */
public final class BastionService implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BastionService.class);

    /** Builds a bastion server; called on every start. */
    public interface ServerFactory {
        BastionServer create() throws IOException;
    }

    private final ServerFactory factory;
    private final java.time.Duration drain;
    private volatile BastionServer server;
    private volatile boolean running;

    public BastionService(ServerFactory factory) {
        this(factory, java.time.Duration.ZERO);
    }

    /**
     * {@code drain}: on stop (SIGTERM), release the port and wait this long for live sessions to end before ending
     * them; zero ends them at once.
     */
    public BastionService(ServerFactory factory, java.time.Duration drain) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.drain = Objects.requireNonNull(drain, "drain");
    }

    /** The server {@link #stop} closed: a node stopped on revocation is stopped again, as a no-op, on shutdown. */
    private BastionServer stopped;

    @Override
    public synchronized void start() {
        try {
            server = factory.create();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the SSH bastion: " + e.getMessage()
                    + " (is gatehouse.ssh.port / GATEHOUSE_SSH_PORT free?)", e);
        }
        running = true;
        log.info("SSH bastion listening on port {}", server.port());
    }

    @Override
    public synchronized void stop() {
        running = false;
        BastionServer stopping = server;
        if (stopping == null || stopped == stopping) {
            return;
        }
        stopped = stopping;
        try {
            int live = stopping.sessions().live().size();
            if (!drain.isZero() && live > 0) {
                log.info("SSH bastion stopping: new connections refused, waiting up to {} for {} live session(s)",
                        drain, live);
                if (!stopping.drain(drain)) {
                    log.warn("SSH bastion stopping: {} session(s) still live after {}; ending them",
                            stopping.sessions().live().size(), drain);
                }
            }
            stopping.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(stopping);
        } catch (IOException e) {
            log.warn("SSH bastion did not close cleanly: {}", e.getMessage());
        }
    }

    private static void closeQuietly(BastionServer server) {
        try {
            server.close();
        } catch (IOException e) {
            log.warn("SSH bastion did not close cleanly: {}", e.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** The port bound (differs from the setting when it was 0). */
    public int port() {
        BastionServer current = server;
        if (current == null) {
            throw new IllegalStateException("the SSH bastion has not been started");
        }
        return current.port();
    }

    /** Whether the live session {@code sessionId} is detached (its engineer's connection lost, kept for re-attach). */
    public boolean isDetached(String sessionId) {
        BastionServer current = server;
        return current != null && running && current.sessions().isDetached(sessionId);
    }

    /** The sessions this bastion keeps for re-attach now (none while it is not running). */
    public java.util.List<dev.gatehouse.sshproxy.session.DetachedSession> detachedSessions() {
        BastionServer current = server;
        return current != null && running ? current.sessions().detachedSessions() : java.util.List.of();
    }

    /** Ends every live session, detached ones too, telling each user {@code reason}; returns how many ended. */
    public int terminateAll(String reason) {
        BastionServer current = server;
        if (current == null || !running) {
            return 0;
        }
        int ended = 0;
        for (var session : current.sessions().live()) {
            ended += current.terminate(session.sessionId(), reason) ? 1 : 0;
        }
        return ended;
    }

    /** Ends a live session within a second, telling the user {@code reason}; false when no such session is live. */
    public boolean terminate(String sessionId, String reason) {
        BastionServer current = server;
        return current != null && running && current.terminate(sessionId, reason);
    }
}
