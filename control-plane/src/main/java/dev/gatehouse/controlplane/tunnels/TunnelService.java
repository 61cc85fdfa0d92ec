package dev.gatehouse.controlplane.tunnels;

import dev.gatehouse.controlplane.agents.AgentRevoked;
import dev.gatehouse.tunnel.gateway.TunnelListener;
import dev.gatehouse.tunnel.protocol.AgentIdentity;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;

/**
 * This node's tunnel port as a lifecycle: started before the bastion (so its first dials find agents already linked)
 * and stopped after it, draining (GOAWAY, streams finish) instead of cutting agents off.
 */
public final class TunnelService implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TunnelService.class);

    private final Supplier<TunnelListener> listeners;
    private final int configuredPort;
    private volatile TunnelListener listener;
    private volatile InetSocketAddress bound;

    /** {@code listeners} makes a fresh listener for each start: a closed one cannot be started again. */
    public TunnelService(Supplier<TunnelListener> listeners, int configuredPort) {
        this.listeners = Objects.requireNonNull(listeners, "listeners");
        this.configuredPort = configuredPort;
        this.listener = listeners.get();
    }

    @Override
    public synchronized void start() {
        if (bound != null) {
            return;
        }
        try {
            if (listener == null) {
                listener = listeners.get();
            }
            bound = listener.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the tunnel listener", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the tunnel listener on port " + configuredPort + ": "
                    + e.getMessage() + " (is gatehouse.tunnel.port / GATEHOUSE_TUNNEL_PORT free?)", e);
        }
        log.info("Tunnel listener for agents on port {}", bound.getPort());
    }

    @Override
    public synchronized void stop() {
        TunnelListener was = listener;
        bound = null;
        listener = null;
        if (was != null) {
            was.close();
        }
    }

    @Override
    public boolean isRunning() {
        return bound != null;
    }

    /** Before the bastion (which has the default phase): up first, down last. */
    @Override
    public int getPhase() {
        return DEFAULT_PHASE - 1;
    }

    /** The port bound (differs from the setting when it was 0); -1 while stopped. */
    public int port() {
        InetSocketAddress now = bound;
        return now == null ? -1 : now.getPort();
    }

    /** Cuts a revoked agent's links to this node and cancels its streams, naming the revocation. */
    @EventListener
    public void agentRevoked(AgentRevoked revoked) {
        TunnelListener now = listener;
        if (now != null) {
            AgentIdentity agent = new AgentIdentity(revoked.network(), revoked.name());
            now.cut(agent, "agent " + agent + " was revoked by an administrator");
        }
    }

    /** The running listener, or null while stopped (for metrics). */
    TunnelListener runningListener() {
        return bound == null ? null : listener;
    }

    /** The running listener; dials while stopped fail saying the tunnel port is not running. */
    public TunnelListener listener() {
        TunnelListener now = listener;
        if (now == null) {
            throw new IllegalStateException("the tunnel listener of this node is not running");
        }
        return now;
    }
}
