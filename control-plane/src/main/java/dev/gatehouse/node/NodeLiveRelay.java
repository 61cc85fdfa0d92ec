package dev.gatehouse.node;

import dev.gatehouse.controlplane.live.LiveFrame;
import dev.gatehouse.controlplane.live.LiveTerminals;
import dev.gatehouse.controlplane.live.LiveViewer;
import dev.gatehouse.controlplane.nodes.NodeWire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays one running activity's terminal from this node to the control plane, for a live view there: the size and
 * backlog first, then output and resizes as they happen, in batches (every {@link #BATCH_WAIT} or
 * {@link #BATCH_BYTES}), until the control plane says nobody watches, the activity ends, or the control plane cannot
 * be reached. The bastion's I/O threads only enqueue; more than {@link #MAX_QUEUED_BYTES} waiting ends the relay
 * (the watcher is told it fell behind) rather than holding the session up.
 */
final class NodeLiveRelay implements LiveViewer {

    static final long MAX_QUEUED_BYTES = 4L * 1024 * 1024;
    static final int BATCH_BYTES = 256 * 1024;
    static final Duration BATCH_WAIT = Duration.ofMillis(50);
    /** With no output for this long an empty batch asks whether anyone still watches. */
    static final Duration IDLE_ASK = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(NodeLiveRelay.class);

    private final String activityId;
    private final ControlPlaneClient client;
    private final LiveTerminals terminals;
    private final BlockingQueue<LiveFrame> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean open = new AtomicBoolean(true);

    private NodeLiveRelay(String activityId, ControlPlaneClient client, LiveTerminals terminals) {
        this.activityId = Objects.requireNonNull(activityId, "activityId");
        this.client = Objects.requireNonNull(client, "client");
        this.terminals = Objects.requireNonNull(terminals, "terminals");
    }

    /** Starts relaying {@code activityId}; when it does not run here, the control plane is told it ended. */
    static NodeLiveRelay start(String activityId, ControlPlaneClient client, LiveTerminals terminals) {
        NodeLiveRelay relay = new NodeLiveRelay(activityId, client, terminals);
        if (!terminals.relay(activityId, relay)) {
            relay.ended("not live on this gateway node");
        }
        Thread.ofVirtual().name("live-relay-" + activityId).start(relay::send);
        return relay;
    }

    /** Stops relaying (a newer watch order for the same activity took over). */
    void stop() {
        if (open.compareAndSet(true, false)) {
            terminals.unrelay(activityId, this);
            queue.add(LiveFrame.end(null));
        }
    }

    @Override
    public boolean started(int columns, int rows) {
        return enqueue(LiveFrame.start(columns, rows));
    }

    @Override
    public boolean output(byte[] data) {
        return enqueue(LiveFrame.output(data));
    }

    @Override
    public boolean resized(int columns, int rows) {
        return enqueue(LiveFrame.resize(columns, rows));
    }

    @Override
    public void ended(String reason) {
        if (open.compareAndSet(true, false)) {
            queue.add(LiveFrame.end(reason == null ? "ended" : reason));
        }
    }

    boolean isOpen() {
        return open.get();
    }

    private boolean enqueue(LiveFrame frame) {
        if (!open.get()) {
            return false;
        }
        if (queuedBytes.addAndGet(frame.size()) > MAX_QUEUED_BYTES) {
            queue.clear();
            ended("the live view fell behind; reload to catch up");
            return false;
        }
        queue.add(frame);
        return true;
    }

    private void send() {
        try {
            boolean last = false;
            while (!last) {
                List<LiveFrame> batch = new ArrayList<>();
                LiveFrame first = queue.poll(IDLE_ASK.toMillis(), TimeUnit.MILLISECONDS);
                long deadline = System.nanoTime() + BATCH_WAIT.toNanos();
                int bytes = 0;
                for (LiveFrame frame = first; frame != null; ) {
                    queuedBytes.addAndGet(-frame.size());
                    last = "end".equals(frame.type());
                    if (last && frame.reason() == null) {
                        return; // stopped here: a newer relay carries on
                    }
                    batch.add(frame);
                    bytes += frame.size();
                    long left = deadline - System.nanoTime();
                    if (last || bytes >= BATCH_BYTES || batch.size() >= NodeWire.MAX_LIVE_FRAMES || left <= 0) {
                        break;
                    }
                    frame = queue.poll(left, TimeUnit.NANOSECONDS);
                }
                boolean watching = client.call(NodeWire.LIVE, new NodeWire.LiveBatch(activityId, batch),
                        NodeWire.LiveAnswer.class).watching();
                if (!watching && !last) {
                    log.info("live view of {}: nobody watches any more; relay stopped", activityId);
                    break;
                }
            }
        } catch (ControlPlaneClient.Unavailable e) {
            log.warn("live view of {}: relay stopped: {}", activityId, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (open.compareAndSet(true, false)) {
                terminals.unrelay(activityId, this);
            }
        }
    }
}
