package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.events.AuditEvent;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;

/**
 * The bastion-facing side of one recording: copies each call into a frame and hands it to the recorder's queue.
 *
 * <p>Policy when output comes faster than recorded: output above the per-session rate, or arriving while the shared
 * queue is full, is not copied but counted, and an {@code m} marker with the count is recorded in its place. Control
 * frames (events, resizes, commands, the end) wait in this recording's own backlog while the queue is full, which the
 * worker drains in order. That backlog is bounded ({@link #MAX_BACKLOG_BYTES}): resizes in it are coalesced to the
 * latest, and past the bound input, events and commands are counted, not kept, and a marker says how many; the
 * session's start and end and its latest size are always kept.
 */
final class QueuedRecording implements SessionRecording {

    private final AsyncSessionRecorder recorder;
    private final SessionStart start;
    private final long ratePerSecond;
    private final long burst;
    /** Per recording: a session cannot grow the heap through its backlog while the recorder is behind. */
    static final long MAX_BACKLOG_BYTES = 4L << 20;

    private final ArrayDeque<Frame> backlog = new ArrayDeque<>();
    private long backlogBytes;
    private long inputNotKept;
    private long framesNotKept;
    private long tokens;
    private long refilledAt;
    private long omitted;
    private String omittedReason;
    private boolean ended;
    long enqueued;
    volatile long processed;

    QueuedRecording(AsyncSessionRecorder recorder, SessionStart start, RecorderSettings settings, long nowNanos) {
        this.recorder = recorder;
        this.start = start;
        this.ratePerSecond = settings.outputBytesPerSecond();
        this.burst = settings.outputBurstBytes();
        this.tokens = burst;
        this.refilledAt = nowNanos;
    }

    SessionStart start() {
        return start;
    }

    @Override
    public synchronized void output(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (ended || length == 0) {
            return;
        }
        long now = System.nanoTime();
        refill(now);
        if (tokens < length) {
            omit(length, "output above " + ratePerSecond + " bytes/s");
            return;
        }
        if (!backlog.isEmpty()) {
            omit(length, "recorder queue full");
            return;
        }
        flushOmitted(now);
        Frame f = new Frame.Output(now, Arrays.copyOfRange(data, offset, offset + length));
        if (recorder.offer(this, f)) {
            tokens -= length;
            enqueued++;
        } else {
            omit(length, "recorder queue full");
        }
    }

    @Override
    public synchronized void input(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (!ended && length > 0) {
            control(new Frame.Input(System.nanoTime(), Arrays.copyOfRange(data, offset, offset + length)));
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
    public synchronized void end(SessionEnd end) {
        if (!ended) {
            flushOmitted(System.nanoTime());
            control(new Frame.End(System.nanoTime(), Objects.requireNonNull(end, "end")));
            ended = true;
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
        return frames;
    }

    /** Bytes (estimated) waiting in this recording's backlog. */
    synchronized long backlogBytes() {
        return backlogBytes;
    }

    synchronized boolean hasBacklog() {
        return !backlog.isEmpty();
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
        } else if (backlogBytes + f.size() > MAX_BACKLOG_BYTES
                && !(f instanceof Frame.Begin || f instanceof Frame.End || f instanceof Frame.Omitted
                        || f instanceof Frame.Resize)) {
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
        recorder.backlogAdded();
    }

    private void omit(int length, String reason) {
        omitted += length;
        omittedReason = reason;
    }

    private void flushOmitted(long now) {
        if (omitted > 0) {
            control(new Frame.Omitted(now, omitted, omittedReason));
            omitted = 0;
        }
    }

    private void refill(long now) {
        long elapsed = now - refilledAt;
        if (elapsed > 0) {
            long add = elapsed >= 1_000_000_000L * 1000 ? burst : elapsed * ratePerSecond / 1_000_000_000L;
            if (add > 0) {
                tokens = Math.min(burst, tokens + add);
                refilledAt = now;
            }
        }
    }
}
