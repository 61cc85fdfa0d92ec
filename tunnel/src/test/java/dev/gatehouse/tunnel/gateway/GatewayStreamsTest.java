package dev.gatehouse.tunnel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.tunnel.protocol.AgentIdentity;
import dev.gatehouse.tunnel.stream.ResumableStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The node's stream table: byte totals read by the registry lanes while streams end on the event loops. */
class GatewayStreamsTest {

    private static final AgentIdentity AGENT = new AgentIdentity("lab", "agent-1");

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final GatewayStreams streams = new GatewayStreams();
    private final GatewayStream local = new GatewayStream("lab", "10.0.0.5:22", "agent-1", timers);
    private final ResumableStream stream = new ResumableStream("s-1", local, 1 << 20, Duration.ofSeconds(30), timers);

    GatewayStreamsTest() {
        local.bind(stream);
        streams.add(new GatewayStreams.Tracked(stream, AGENT, "10.0.0.5:22"));
    }

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    /**
     * The stream ends under its own lock (a FIN read on the event loop) while a registry lane reads the agent's byte
     * totals: the totals' reader must not wait for the stream's lock while it holds the table's, which the ending
     * stream needs to move its bytes to the ended totals. Both orders used to deadlock the event loop for good.
     */
    @Test
    void streamEndsWhileTheTotalsAreReadThenNeitherWaitsForTheOther() throws Exception {
        AtomicReference<long[]> totals = new AtomicReference<>();
        Thread lane = new Thread(() -> totals.set(streams.bytes(AGENT)), "registry-lane");
        Thread eventLoop = new Thread(() -> {
            synchronized (stream) {
                lane.start();
                // The lane either finishes at once or stops at this stream's lock, holding the table's.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (lane.getState() != Thread.State.BLOCKED && lane.getState() != Thread.State.TERMINATED
                        && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                stream.cancel("peer aborted");
            }
        }, "event-loop");
        eventLoop.setDaemon(true);
        lane.setDaemon(true);

        eventLoop.start();
        eventLoop.join(TimeUnit.SECONDS.toMillis(10));
        lane.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(eventLoop.isAlive()).as("the ending stream waits for the table's lock (deadlock)").isFalse();
        assertThat(lane.isAlive()).as("the totals' reader waits for the stream's lock (deadlock)").isFalse();
        assertThat(totals.get()).containsExactly(0, 0);
        assertThat(streams.size()).as("the ended stream left the table").isZero();
    }
}
