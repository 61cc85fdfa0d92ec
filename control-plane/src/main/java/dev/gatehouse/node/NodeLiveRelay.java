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
 * be reached. One relay serves one control plane (its watchers share it); each batch names the watch order it answers,
 * so the control plane drops what a relay of an earlier order still sends. The bastion's I/O threads only enqueue;
 * more than {@link #MAX_QUEUED_BYTES} waiting in one relay, or the node's {@link Budget} for all relays spent, ends
 * the relay (the watcher is told it fell behind) rather than holding the session up.
 */
final class NodeLiveRelay implements LiveViewer {

    static final long MAX_QUEUED_BYTES = 4L * 1024 * 1024;
    /** What all of a node's relays together may hold queued. */
    static final long MAX_NODE_QUEUED_BYTES = 64L * 1024 * 1024;
    static final int BATCH_BYTES = 256 * 1024;
    static final Duration BATCH_WAIT = Duration.ofMillis(50);
    /** With no output for this long an empty batch asks whether anyone still watches. */
    static final Duration IDLE_ASK = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(NodeLiveRelay.class);

    /** Where batches go: the control plane the watchers are on. */
    @FunctionalInterface
    interface Sink {
        /** Sends one batch; true while someone still watches. */
        boolean send(NodeWire.LiveBatch batch) throws ControlPlaneClient.Unavailable;

        static Sink to(ControlPlaneClient client) {
            return batch -> client.call(NodeWire.LIVE, batch, NodeWire.LiveAnswer.class).watching();
        }
    }

    /** The bytes queued in all of a node's relays together, bounded by {@link #MAX_NODE_QUEUED_BYTES}. */
    static final class Budget {
        private final AtomicLong queued = new AtomicLong();
        private final long limit;

        Budget(long limit) {
            this.limit = limit;
        }

        boolean take(long bytes) {
            if (queued.addAndGet(bytes) > limit) {
                queued.addAndGet(-bytes);
                return false;
            }
            return true;
        }

        void give(long bytes) {
            queued.addAndGet(-bytes);
        }

        long queued() {
            return queued.get();
        }
    }

    private final String activityId;
    private final long watch;
    private final Sink sink;
    private final LiveTerminals terminals;
    private final Budget budget;
    private final BlockingQueue<LiveFrame> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean open = new AtomicBoolean(true);
    /** Set once the sender has stopped: nothing queued after it is sent. */
    private volatile boolean finished;

    private NodeLiveRelay(String activityId, long watch, Sink sink, LiveTerminals terminals, Budget budget) {
        this.activityId = Objects.requireNonNull(activityId, "activityId");
        this.watch = watch;
        this.sink = Objects.requireNonNull(sink, "sink");
        this.terminals = Objects.requireNonNull(terminals, "terminals");
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    /**
     * Starts relaying {@code activityId} for watch order {@code watch}; when it does not run here, the control plane is
     * told it ended.
     */
    static NodeLiveRelay start(String activityId, long watch, Sink sink, LiveTerminals terminals, Budget budget) {
        NodeLiveRelay relay = new NodeLiveRelay(activityId, watch, sink, terminals, budget);
        if (!terminals.relay(activityId, relay)) {
            relay.ended("not live on this gateway node");
        }
        Thread.ofVirtual().name("live-relay-" + activityId).start(relay::send);
        return relay;
    }

    /** Stops relaying (a newer watch order from the same control plane took over). */
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
        if (queuedBytes.get() + frame.size() > MAX_QUEUED_BYTES || !budget.take(frame.size())) {
            fellBehind();
            return false;
        }
        queuedBytes.addAndGet(frame.size());
        queue.add(frame);
        if (finished) {
            dropLeft(); // the sender stopped while this was being queued
        }
        return true;
    }

    /** Drops what is queued (and gives it back to the node's budget) and ends the view. */
    private void fellBehind() {
        dropLeft();
        ended("the live view fell behind; reload to catch up");
    }

    /** A frame leaves the queue; an end (queued past the bounds) was never counted. */
    private void taken(LiveFrame frame) {
        if (!"end".equals(frame.type())) {
            queuedBytes.addAndGet(-frame.size());
            budget.give(frame.size());
        }
    }

    /** Gives back what is still queued once the relay has stopped sending. */
    private void dropLeft() {
        for (LiveFrame left = queue.poll(); left != null; left = queue.poll()) {
            taken(left);
        }
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
                    taken(frame);
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
                boolean watching = sink.send(new NodeWire.LiveBatch(activityId, watch, batch));
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
            finished = true;
            dropLeft();
        }
    }
}
