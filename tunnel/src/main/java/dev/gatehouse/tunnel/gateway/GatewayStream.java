package dev.gatehouse.tunnel.gateway;

import dev.gatehouse.tunnel.stream.ResumableStream;
import dev.gatehouse.tunnel.stream.StreamSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's end of a tunnel stream: a bounded queue towards the blocking reader, and a writer that waits while
 * the stream asks its source to pause. Lock order: the stream's lock, then this one; never the other way round.
 */
final class GatewayStream implements TunnelStream, StreamSink {

    private static final long QUEUE_HIGH = 2L << 20;
    private static final long QUEUE_LOW = 512L << 10;
    private static final long CLOSE_LINGER_SECONDS = 10;

    private final String network;
    private final String target;
    private final String agentId;
    private final ScheduledExecutorService timers;
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private final InputStream input = new Input();
    private final OutputStream output = new Output();
    private ResumableStream stream;
    private long queued;
    private boolean inboundPaused;
    private boolean peerFinished;
    private boolean sourcePaused;
    private boolean inputClosed;
    private boolean ended;
    private String abortReason;
    private Runnable resumeWaiter;

    GatewayStream(String network, String target, String agentId, ScheduledExecutorService timers) {
        this.network = network;
        this.target = target;
        this.agentId = agentId;
        this.timers = timers;
    }

    void bind(ResumableStream resumable) {
        this.stream = resumable;
    }

    @Override
    public String network() {
        return network;
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public String agentId() {
        return agentId;
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void shutdownOutput() {
        stream.finish();
    }

    @Override
    public CompletableFuture<String> ended() {
        return stream.ended();
    }

    @Override
    public boolean offer(byte[] data, int offset, int length, Runnable resume) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, data.length);
        synchronized (this) {
            if (ended) {
                throw closedFailure();
            }
        }
        if (length > 0) {
            stream.send(copied(data, offset, length));
            stream.flush();
        }
        synchronized (this) {
            if (!sourcePaused) {
                return true;
            }
            resumeWaiter = resume;
            return false;
        }
    }

    /**
     * The caller's bytes in a pooled direct buffer: TLS encrypts straight from it (a heap buffer is copied once more
     * for the OpenSSL engine), and a bulk transfer makes no garbage per SSH packet.
     */
    private static ByteBuf copied(byte[] data, int offset, int length) {
        return ByteBufAllocator.DEFAULT.directBuffer(length).writeBytes(data, offset, length);
    }

    private IOException closedFailure() {
        return new IOException("tunnel stream to " + target + " in " + network + " is closed"
                + (abortReason == null ? "" : ": " + abortReason));
    }

    @Override
    public void close() {
        boolean resume;
        synchronized (this) {
            inputClosed = true;
            queue.forEach(ByteBuf::release);
            queue.clear();
            queued = 0;
            resume = inboundPaused;
            inboundPaused = false;
            notifyAll();
        }
        if (resume) {
            stream.pauseInbound(false);
        }
        stream.finish();
        if (!stream.ended().isDone()) {
            timers.schedule(() -> stream.cancel("closed by the gateway"), CLOSE_LINGER_SECONDS, TimeUnit.SECONDS);
        }
    }

    // ---- StreamSink (called under the stream's lock)

    @Override
    public synchronized void deliver(ByteBuf data) {
        if (inputClosed) {
            data.release();
            return;
        }
        boolean readerMayWait = queue.isEmpty();
        queue.addLast(data);
        queued += data.readableBytes();
        if (queued >= QUEUE_HIGH && !inboundPaused) {
            inboundPaused = true;
            stream.pauseInbound(true);
        }
        if (readerMayWait) {
            // Only an empty queue makes the reader wait: later deliveries need no wake-up (and no hand-off of the
            // lock to it per HTTP/2 frame).
            notifyAll();
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public synchronized void peerFinished() {
        peerFinished = true;
        notifyAll();
    }

    @Override
    public synchronized void sourcePaused(boolean paused) {
        sourcePaused = paused;
        if (!paused) {
            wakeResumeWaiter();
        }
        notifyAll();
    }

    /**
     * Off the stream's lock (the waiter sends on its own connection): on the event loop we are called on, right after
     * its current task, so a resume costs no thread; from any other thread, on one of the timers' threads.
     */
    private void wakeResumeWaiter() {
        if (resumeWaiter == null) {
            return;
        }
        Runnable waiter = resumeWaiter;
        resumeWaiter = null;
        EventExecutor here = ThreadExecutorMap.currentExecutor();
        try {
            (here != null && !here.isShuttingDown() ? here : timers).execute(waiter);
        } catch (RejectedExecutionException shuttingDown) {
            Thread.ofVirtual().name("tunnel-resume-" + target).start(waiter);
        }
    }

    @Override
    public synchronized void ended(String reason) {
        ended = true;
        abortReason = reason;
        // A waiting sender goes on, so its next offer fails with the reason instead of waiting for ever.
        wakeResumeWaiter();
        notifyAll();
    }

    private final class Input extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n;
            boolean resume = false;
            synchronized (GatewayStream.this) {
                while (queue.isEmpty()) {
                    if (inputClosed) {
                        throw new IOException("tunnel stream to " + target + " is closed");
                    }
                    if (peerFinished) {
                        return -1;
                    }
                    if (ended) {
                        throw new IOException("tunnel stream to " + target + " in " + network + " broke: "
                                + (abortReason == null ? "closed" : abortReason));
                    }
                    awaitChange();
                }
                // As much as is queued, across deliveries: one lock per read, not per HTTP/2 frame.
                n = 0;
                for (ByteBuf head = queue.peekFirst(); head != null && n < len; head = queue.peekFirst()) {
                    int part = Math.min(len - n, head.readableBytes());
                    head.readBytes(b, off + n, part);
                    n += part;
                    if (!head.isReadable()) {
                        queue.removeFirst().release();
                    }
                }
                queued -= n;
                if (inboundPaused && queued <= QUEUE_LOW) {
                    inboundPaused = false;
                    resume = true;
                }
            }
            if (resume) {
                stream.pauseInbound(false);
            }
            return n;
        }

        @Override
        public int available() {
            synchronized (GatewayStream.this) {
                return (int) Math.min(Integer.MAX_VALUE, queued);
            }
        }

        @Override
        public void close() {
            GatewayStream.this.close();
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return;
            }
            synchronized (GatewayStream.this) {
                while (sourcePaused && !ended) {
                    awaitChange();
                }
                if (ended) {
                    throw closedFailure();
                }
            }
            stream.send(copied(b, off, len));
            stream.flush();
        }

        @Override
        public void close() {
            shutdownOutput();
        }
    }

    @SuppressWarnings("WaitNotInLoop") // every caller loops, re-checking its own condition after each change
    private void awaitChange() throws InterruptedIOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the tunnel stream to " + target);
        }
    }
}
