package dev.gatehouse.tunnel.gateway;

import dev.gatehouse.tunnel.protocol.AgentIdentity;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the registries' blocking calls (JDBC in the control plane) off the Netty event loops: a few single-threaded
 * lanes, each agent always on the same one, so that what is written about an agent lands in the order it happened.
 */
final class RegistryLanes implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RegistryLanes.class);

    private final ExecutorService[] lanes;

    RegistryLanes(String nodeId, int count) {
        lanes = new ExecutorService[count];
        for (int i = 0; i < count; i++) {
            String name = "tunnel-registry-" + nodeId + "-" + i;
            lanes[i] = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, name);
                thread.setDaemon(true);
                return thread;
            });
        }
    }

    /** Runs {@code task} after every task submitted earlier for {@code agent}; dropped once closed. */
    void run(AgentIdentity agent, Runnable task) {
        try {
            lanes[Math.floorMod(agent.hashCode(), lanes.length)].execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.warn("registry call for agent {} failed: {}", agent, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("registry call for agent {} dropped: the listener is closed", agent);
        }
    }

    /** Lets queued writes finish (briefly), then stops. */
    @Override
    public void close() {
        for (ExecutorService lane : lanes) {
            lane.shutdown();
        }
        for (ExecutorService lane : lanes) {
            try {
                if (!lane.awaitTermination(2, TimeUnit.SECONDS)) {
                    lane.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lane.shutdownNow();
            }
        }
    }
}
