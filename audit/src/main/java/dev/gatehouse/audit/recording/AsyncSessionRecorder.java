package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.spool.EvidenceSpool;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production recorder: sessions' frames go through one bounded queue to a single worker thread, which writes the
 * asciicast chunks, finds commands, keeps each session's hash chain, signs checkpoints, and hands the result to the
 * {@link EvidenceSpool} (which stores it, or keeps it on disk until the store is back).
 *
 * <p>When the queue is full, frames wait in their recording's backlog and the relay holds the peer back through its
 * SSH window until the worker took them ({@link SessionRecording#whenCaughtUp}): see {@link QueuedRecording}.
 */
public final class AsyncSessionRecorder implements SessionRecorder, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncSessionRecorder.class);
    private static final long TICK_NANOS = 100_000_000L;
    /**
     * Frames per round of the worker (a round's evidence goes to the spool at once): 256 frames of a fast transfer are
     * about 8 MiB, well within the spool's memory, so a round never spills on its size alone.
     */
    private static final int MAX_ROUND = 256;
    /** How long the spool's store may take no batch before the worker stops waiting for it and evidence spills. */
    private static final java.time.Duration SPOOL_STALLED = java.time.Duration.ofSeconds(5);

    private record Queued(QueuedRecording recording, Frame frame) {
    }

    private final RecorderSettings settings;
    private final AuditKey key;
    private final EvidenceSpool spool;
    private final ArrayBlockingQueue<Queued> queue;
    private final AtomicLong queuedBytes = new AtomicLong();
    /** Frames accepted (queued or backlogged) and not yet handed to the spool. */
    private final AtomicLong inFlight = new AtomicLong();
    private final ConcurrentLinkedQueue<QueuedRecording> backlogged = new ConcurrentLinkedQueue<>();
    private final Map<QueuedRecording, SessionTape> tapes = new HashMap<>();
    private final Thread worker;
    private final ReentrantLock roomLock = new ReentrantLock();
    private final Condition room = roomLock.newCondition();
    private volatile boolean running = true;
    /** Set when the worker hit an {@link Error}: what it was doing is lost, so new sessions are refused. */
    private volatile String fault;

    public AsyncSessionRecorder(RecorderSettings settings, AuditKey key, EvidenceSpool spool) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.key = Objects.requireNonNull(key, "key");
        this.spool = Objects.requireNonNull(spool, "spool");
        this.queue = new ArrayBlockingQueue<>(settings.queueFrames());
        spool.submit(List.of(new Evidence.Interrupted(settings.recorderId())));
        this.worker = Thread.ofPlatform().name("audit-recorder-" + settings.recorderId()).daemon(true)
                .start(this::work);
    }

    @Override
    public SessionRecording open(SessionStart start) {
        Objects.requireNonNull(start, "start");
        QueuedRecording r = new QueuedRecording(this, start, settings);
        r.begin(System.nanoTime());
        return r;
    }

    @Override
    public boolean accepting() {
        return unavailable() == null;
    }

    @Override
    public String unavailable() {
        if (!running) {
            return "the audit recorder is stopped";
        }
        String failed = fault;
        if (failed != null) {
            return failed;
        }
        if (!worker.isAlive()) {
            return "the audit recorder's worker thread has ended";
        }
        return spool.unavailable();
    }

    /** Frames waiting for the worker: a gauge for metrics and benchmarks. */
    public int queued() {
        return queue.size();
    }

    boolean offer(QueuedRecording r, Frame f) {
        int size = f.size();
        if (queuedBytes.addAndGet(size) > settings.queueBytes()) {
            queuedBytes.addAndGet(-size);
            return false;
        }
        inFlight.incrementAndGet();
        if (!queue.offer(new Queued(r, f))) {
            inFlight.decrementAndGet();
            queuedBytes.addAndGet(-size);
            return false;
        }
        return true;
    }

    /**
     * Waits a little for the worker to free room in the queue; false when interrupted (the flag is kept). Bounded, so
     * a caller re-checks whether the recorder stopped.
     */
    @SuppressWarnings("WaitNotInLoop") // one bounded pause; the caller loops and re-checks the queue
    boolean awaitRoom() {
        roomLock.lock();
        try {
            room.await(10, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            roomLock.unlock();
        }
    }

    /** Whether frames can no longer be recorded (closed, or the worker is gone). */
    boolean stopped() {
        return !running || !worker.isAlive();
    }

    void backlogged(QueuedRecording r) {
        backlogged.add(r);
    }

    void backlogAdded() {
        inFlight.incrementAndGet();
    }

    void backlogRemoved() {
        inFlight.decrementAndGet();
    }

    /**
     * Waits until every frame accepted so far has been turned into evidence and stored (for tests and orderly
     * shutdown); false if that did not happen within the timeout.
     */
    public boolean awaitStored(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return spool.awaitDrained(java.time.Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    }

    @SuppressWarnings("NonAtomicVolatileUpdate") // only this worker thread writes processed; others read it
    private void work() {
        List<Evidence> out = new ArrayList<>();
        List<Queued> batch = new ArrayList<>();
        long[] handled = new long[1];
        int[] done = new int[1];
        long lastTick = System.nanoTime();
        while (running || !queue.isEmpty() || !backlogged.isEmpty()) {
            try {
                Queued first = queue.poll(TICK_NANOS, TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, MAX_ROUND - 1);
                }
                // Counted before it is applied: a frame that throws is skipped, never retried forever.
                for (done[0] = 0; done[0] < batch.size();) {
                    Queued q = batch.get(done[0]++);
                    queuedBytes.addAndGet(-q.frame().size());
                    handled[0]++;
                    apply(q.recording(), q.frame(), out);
                    q.recording().processed++;
                }
                if (!batch.isEmpty()) {
                    signalRoom();
                }
                batch.clear();
                handled[0] += drainBacklogs(out);
                long now = System.nanoTime();
                if (now - lastTick >= TICK_NANOS) {
                    lastTick = now;
                    for (Iterator<SessionTape> it = tapes.values().iterator(); it.hasNext();) {
                        SessionTape tape = it.next();
                        tape.tick(now);
                        if (tape.ended()) {
                            it.remove();
                        }
                    }
                }
                if (!out.isEmpty()) {
                    List<Evidence> items = List.copyOf(out);
                    spool.awaitRoom(items, SPOOL_STALLED);
                    spool.submit(items);
                    out.clear();
                }
                inFlight.addAndGet(-handled[0]);
                handled[0] = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable e) {
                // One bad frame must not stop every other session's recording. An Error (out of memory, say) may have
                // cost evidence of sessions running now: the worker goes on, but new sessions are refused until the
                // node restarts, and health says why.
                if (!(e instanceof RuntimeException)) {
                    fault = "the audit recorder failed (" + e + "); restart this node";
                }
                LOG.error("audit recorder worker: {}", e.toString(), e);
                if (done[0] > 0 && done[0] <= batch.size()) {
                    batch.get(done[0] - 1).recording().processed++;
                    batch.subList(0, done[0]).clear(); // the rest of the batch is applied on the next round
                }
                done[0] = 0;
                try {
                    spool.submit(List.copyOf(out));
                } catch (Throwable again) {
                    LOG.error("audit recorder worker: evidence of the failed round lost: {}", again.toString());
                }
                out.clear();
                inFlight.addAndGet(-handled[0]);
                handled[0] = 0;
            }
        }
    }

    private void signalRoom() {
        roomLock.lock();
        try {
            room.signalAll();
        } finally {
            roomLock.unlock();
        }
    }

    private int drainBacklogs(List<Evidence> out) {
        int handled = 0;
        for (int n = backlogged.size(); n > 0; n--) {
            QueuedRecording r = backlogged.poll();
            if (r == null) {
                return handled;
            }
            Frame[] frames = r.takeBacklog();
            if (frames == null) {
                if (r.hasBacklog()) {
                    backlogged.add(r);
                }
                continue;
            }
            for (Frame f : frames) {
                apply(r, f, out);
            }
            handled += frames.length;
            r.caughtUp();
        }
        return handled;
    }

    private void apply(QueuedRecording r, Frame f, List<Evidence> out) {
        if (f instanceof Frame.Begin b) {
            SessionTape tape = new SessionTape(b.start(), b.nanos(), settings, key, out::add);
            tapes.put(r, tape);
            tape.begin();
            return;
        }
        SessionTape tape = tapes.get(r);
        if (tape != null) {
            tape.apply(f);
            if (tape.ended()) {
                tapes.remove(r);
            }
        }
    }

    /** Stops taking frames, finishes the queue, and closes the spool (undelivered evidence stays on disk). */
    @Override
    public void close() {
        running = false;
        try {
            worker.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        spool.close();
    }
}
