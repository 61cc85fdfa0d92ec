package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.events.AuditEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bastion-facing side of one recording: copies each call into a frame and hands it to the recorder's queue.
 *
 * <p>Nothing is dropped silently. Every stream's bytes are counted here and hashed (SHA-256) by the worker, off the
 * relay's I/O threads; the first {@code maxBytesPerSession} bytes of all streams together are kept, later ones queued
 * only to be hashed ({@link Frame.Hashed}; a {@link Frame.Truncated} marks the place, the end carries the totals).
 * When the shared queue is full a data frame goes to this recording's own backlog and the caller's
 * {@link #whenCaughtUp} actions wait until the worker took it: the relay opens the SSH window only then, so the peer is
 * held back, memory stays bounded and no byte is lost, while no I/O thread waits. A caller that keeps sending anyway
 * waits for room once {@link #MAX_DATA_BACKLOG_BYTES} are backlogged. Control frames (events, resizes, commands, the
 * end) never wait: they go to the same backlog, which the worker drains in order. That backlog is bounded ({@link #MAX_BACKLOG_BYTES}):
 * resizes in it are coalesced to the latest, and past the bound input, events and commands are counted, not kept, and
 * a marker says how many; the session's start and end and its latest size are always kept.
 */
final class QueuedRecording implements SessionRecording {

    private static final Logger LOG = LoggerFactory.getLogger(QueuedRecording.class);

    private final AsyncSessionRecorder recorder;
    private final SessionStart start;
    private final long budget;
    /** Without a pty stdin is evidence; on a terminal keystrokes are kept only when input recording is on. */
    private final boolean keepInput;
    /** Per recording: a session cannot grow the heap through its backlog while the recorder is behind. */
    static final long MAX_BACKLOG_BYTES = 4L << 20;
    /**
     * Data frames backlogged per recording before the caller waits after all: well above what a relay that honours
     * {@link #whenCaughtUp} can have sent (the SSH windows of a channel's two directions), so only a caller that does
     * not ever waits.
     */
    static final long MAX_DATA_BACKLOG_BYTES = 16L << 20;

    private final ArrayDeque<Frame> backlog = new ArrayDeque<>();
    private long backlogBytes;
    /** The data frames' share of {@link #backlogBytes}: while there are any, this recording is behind. */
    private long dataBacklogBytes;
    /** What callers asked to run once this recording caught up (they open SSH windows). */
    private final ArrayDeque<Runnable> resumes = new ArrayDeque<>();
    private long inputNotKept;
    private long framesNotKept;
    /** Holds one data frame from counting to queueing, so the tallies and the recording see the same order. */
    private final ReentrantLock order = new ReentrantLock();
    private final long[] seen = new long[ChannelStream.values().length];
    private final long[] keptPer = new long[seen.length];
    private long kept;
    private boolean truncated;
    private volatile boolean ended;
    long enqueued;
    volatile long processed;

    QueuedRecording(AsyncSessionRecorder recorder, SessionStart start, RecorderSettings settings) {
        this.recorder = recorder;
        this.start = start;
        this.budget = settings.maxBytesPerSession();
        this.keepInput = keeps(start, settings);
    }

    /** Whether stdin is kept (and hashed): always without a terminal, on one only with input recording on. */
    static boolean keeps(SessionStart start, RecorderSettings settings) {
        return start.term() == null || settings.recordInput();
    }

    SessionStart start() {
        return start;
    }

    @Override
    public void output(ChannelStream stream, byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (stream == ChannelStream.STDIN) {
            throw new IllegalArgumentException("output goes to stdout or stderr, not stdin");
        }
        record(stream, data, offset, length);
    }

    @Override
    public void input(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        record(ChannelStream.STDIN, data, offset, length);
    }

    private void record(ChannelStream stream, byte[] data, int offset, int length) {
        if (length == 0) {
            return;
        }
        order.lock();
        try {
            if (ended) {
                return;
            }
            long now = System.nanoTime();
            if (stream == ChannelStream.STDIN && !keepInput) {
                // Keystrokes on a terminal: not kept, still needed to find commands; typing is human-sized.
                seen[stream.ordinal()] += length;
                synchronized (this) {
                    control(new Frame.Input(now, Arrays.copyOfRange(data, offset, offset + length), false));
                }
                return;
            }
            int keep = tally(stream, length);
            if (keep > 0) {
                byte[] copy = Arrays.copyOfRange(data, offset, offset + keep);
                enqueue(stream == ChannelStream.STDIN ? new Frame.Input(now, copy, true)
                        : new Frame.Output(now, stream, copy));
            }
            markTruncated(keep < length, now);
            if (keep < length) {
                enqueue(new Frame.Hashed(now, stream, Arrays.copyOfRange(data, offset + keep, offset + length)));
            }
        } finally {
            order.unlock();
        }
    }

    @Override
    public synchronized void resize(int cols, int rows) {
        if (!ended) {
            control(new Frame.Resize(System.nanoTime(), cols, rows));
        }
    }

    @Override
    public synchronized void command(String line) {
        if (!ended && line != null) {
            control(new Frame.Command(System.nanoTime(), line));
        }
    }

    @Override
    public synchronized void sftp(SftpOperation op) {
        if (!ended && op != null) {
            event(SessionEvents.sftp(start, op));
        }
    }

    @Override
    public synchronized void flow(ForwardFlow flow) {
        if (!ended && flow != null) {
            event(SessionEvents.flow(start, flow));
        }
    }

    @Override
    public synchronized void event(AuditEvent event) {
        if (!ended && event != null) {
            control(new Frame.Event(System.nanoTime(), event));
        }
    }

    @Override
    public synchronized void marker(String label, AuditEvent event) {
        if (!ended && label != null && event != null) {
            control(new Frame.Marker(System.nanoTime(), label, event));
        }
    }

    @Override
    public void end(SessionEnd end) {
        Objects.requireNonNull(end, "end");
        order.lock();
        try {
            synchronized (this) {
                if (!ended) {
                    control(new Frame.End(System.nanoTime(), end, tallies()));
                    ended = true;
                }
            }
        } finally {
            order.unlock();
        }
    }

    synchronized void begin(long nanos) {
        control(new Frame.Begin(nanos, start));
    }

    /** Called by the worker: the backlog's frames once every queued frame of this recording was processed. */
    synchronized Frame[] takeBacklog() {
        if (backlog.isEmpty() || processed != enqueued) {
            return null;
        }
        if (inputNotKept > 0 || framesNotKept > 0) {
            Frame end = backlog.peekLast() instanceof Frame.End ? backlog.pollLast() : null;
            backlog.add(new Frame.Omitted(System.nanoTime(), inputNotKept, "recorder backlog full: " + inputNotKept
                    + " input bytes and " + framesNotKept + " events, commands and resizes not kept"));
            recorder.backlogAdded();
            if (end != null) {
                backlog.add(end);
            }
            inputNotKept = 0;
            framesNotKept = 0;
        }
        Frame[] frames = backlog.toArray(Frame[]::new);
        backlog.clear();
        backlogBytes = 0;
        dataBacklogBytes = 0;
        return frames;
    }

    @Override
    public void whenCaughtUp(Runnable resume) {
        Objects.requireNonNull(resume, "resume");
        synchronized (this) {
            if (dataBacklogBytes > 0 && !recorder.stopped()) {
                resumes.add(resume);
                return;
            }
        }
        resume.run();
    }

    /** Called by the worker after it took the backlog: runs what waited for it, unless more data is backlogged. */
    void caughtUp() {
        Runnable[] waiting;
        synchronized (this) {
            if (resumes.isEmpty() || (dataBacklogBytes > 0 && !recorder.stopped())) {
                return;
            }
            waiting = resumes.toArray(Runnable[]::new);
            resumes.clear();
        }
        for (Runnable resume : waiting) {
            try {
                resume.run();
            } catch (RuntimeException e) {
                // a channel that closed meanwhile: its window no longer matters
                LOG.debug("resuming a channel after the recorder caught up failed: {}", e.toString());
            }
        }
    }

    synchronized boolean hasBacklog() {
        return !backlog.isEmpty();
    }

    /** Bytes (estimated) waiting in this recording's backlog. */
    synchronized long backlogBytes() {
        return backlogBytes;
    }

    private void control(Frame f) {
        if (backlog.isEmpty() && recorder.offer(this, f)) {
            enqueued++;
            return;
        }
        if (f instanceof Frame.Resize && backlog.peekLast() instanceof Frame.Resize older) {
            backlog.pollLast(); // only the latest size matters
            backlogBytes -= older.size();
            recorder.backlogRemoved();
        } else if (backlogBytes - dataBacklogBytes + f.size() > MAX_BACKLOG_BYTES && !hashed(f)
                && !(f instanceof Frame.Begin || f instanceof Frame.End || f instanceof Frame.Omitted
                        || f instanceof Frame.Truncated || f instanceof Frame.Resize)) {
            if (f instanceof Frame.Input in) {
                inputNotKept += in.data().length;
            } else {
                framesNotKept++;
            }
            return;
        }
        if (backlog.isEmpty()) {
            recorder.backlogged(this);
        }
        backlog.add(f);
        backlogBytes += f.size();
        if (hashed(f)) {
            dataBacklogBytes += f.size();
        }
        recorder.backlogAdded();
    }

    /** Frames whose bytes the worker hashes: never left out (one at most reaches the backlog, when interrupted). */
    private static boolean hashed(Frame f) {
        return f instanceof Frame.Output || f instanceof Frame.Hashed || (f instanceof Frame.Input in && in.kept());
    }

    /** Counts every byte; returns how many of them fit in the session's budget. */
    private int tally(ChannelStream stream, int length) {
        int i = stream.ordinal();
        seen[i] += length;
        int keep = (int) Math.min(length, Math.max(0, budget - kept));
        kept += keep;
        keptPer[i] += keep;
        return keep;
    }

    private void markTruncated(boolean cut, long now) {
        if (cut && !truncated) {
            truncated = true;
            synchronized (this) {
                control(new Frame.Truncated(now, budget));
            }
        }
    }

    /**
     * Queues a data frame; while the queue is full it goes to the backlog (the caller holds its peer back until
     * {@link #whenCaughtUp}). Past {@link #MAX_DATA_BACKLOG_BYTES} backlogged it waits for room (outside this
     * recording's monitor, which the worker needs to drain the backlog); interrupted (the relay is ending) it goes to
     * the backlog after all: one frame, and the recording stays complete. A stopped recorder records nothing more; the
     * tallies still count the bytes.
     */
    private void enqueue(Frame f) {
        while (true) {
            synchronized (this) {
                if (backlog.isEmpty() && recorder.offer(this, f)) {
                    enqueued++;
                    return;
                }
                if (dataBacklogBytes == 0 || dataBacklogBytes + f.size() <= MAX_DATA_BACKLOG_BYTES) {
                    control(f);
                    return;
                }
            }
            if (recorder.stopped()) {
                return;
            }
            if (!recorder.awaitRoom()) {
                synchronized (this) {
                    control(f);
                }
                return;
            }
        }
    }

    /** Each stream's counts; the worker, which hashed the bytes, adds the SHA-256s. */
    private List<StreamTally> tallies() {
        List<StreamTally> out = new ArrayList<>();
        for (ChannelStream s : ChannelStream.values()) {
            int i = s.ordinal();
            out.add(new StreamTally(s, seen[i], keptPer[i], null));
        }
        return out;
    }
}
