package dev.gatehouse.tunnel.stream;

import dev.gatehouse.tunnel.protocol.MalformedFrameException;
import dev.gatehouse.tunnel.protocol.StreamFrameReader;
import dev.gatehouse.tunnel.protocol.StreamFrames;
import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One end of a logical byte stream that outlives the HTTP/2 stream carrying it. Each side numbers the bytes it
 * sends, acknowledges what it receives, keeps what the peer has not acknowledged, and after a re-attach resends
 * from the offset the peer reports. A FIN counts as one byte so that it is acknowledged like data.
 *
 * <p>Thread-safe: the link, the local side and the grace timer run on different threads. The lock guards the byte
 * accounting; callbacks into the {@link StreamSink} and the {@link StreamLink} happen under it and must not block
 * (a link only queues frames, its event loop writes them).
 */
public final class ResumableStream implements StreamFrameReader.Frames {

    private static final Logger log = LoggerFactory.getLogger(ResumableStream.class);

    private final String id;
    private final StreamSink sink;
    private final long maxUnacknowledged;
    private final Duration grace;
    private final ScheduledExecutorService timers;
    private final ReplayBuffer replay = new ReplayBuffer();
    private final CompletableFuture<String> ended = new CompletableFuture<>();

    private StreamLink link;
    private long received;
    private long acknowledgedToPeer;
    private boolean inboundFinished;
    private boolean outboundFinished;
    private boolean finAcknowledged;
    private boolean inboundPaused;
    /** Volatile so that a link's writability event can tell without the lock whether it changes anything. */
    private volatile boolean sourcePaused;
    private boolean terminated;
    private long detachEpoch;
    /**
     * Written under the lock, read without it: the node's byte totals read them under their own lock, which an
     * ending stream takes under this one (its {@link #ended()} actions run there).
     */
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();

    public ResumableStream(String id, StreamSink sink, long maxUnacknowledged, Duration grace,
            ScheduledExecutorService timers) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("stream id must not be blank");
        }
        if (maxUnacknowledged < StreamFrames.MAX_CHUNK) {
            throw new IllegalArgumentException("maxUnacknowledged must be at least " + StreamFrames.MAX_CHUNK);
        }
        this.id = id;
        this.sink = java.util.Objects.requireNonNull(sink, "sink");
        this.maxUnacknowledged = maxUnacknowledged;
        this.grace = java.util.Objects.requireNonNull(grace, "grace");
        this.timers = java.util.Objects.requireNonNull(timers, "timers");
    }

    public String id() {
        return id;
    }

    /**
     * Completes when the stream is gone, with the abort reason or null after a clean finish. Its actions run under
     * the stream's lock, often on an event loop: they must not block, nor take a lock whose holder calls into the
     * stream.
     */
    public CompletableFuture<String> ended() {
        return ended;
    }

    /** Offset (data bytes plus one for a FIN) received from the peer so far; sent in resume headers. */
    public synchronized long received() {
        return received;
    }

    public synchronized boolean isAttached() {
        return link != null;
    }

    /** Without the lock, so that a caller may hold a lock that an ending stream's actions take. */
    public long bytesIn() {
        return bytesIn.get();
    }

    /** Without the lock, as {@link #bytesIn()}. */
    public long bytesOut() {
        return bytesOut.get();
    }

    // ---- local side -> peer

    /** Sends local bytes to the peer (ownership passes here). Bytes after {@link #finish()} or the end are dropped. */
    public void send(ByteBuf data) {
        synchronized (this) {
            if (terminated || outboundFinished || !data.isReadable()) {
                data.release();
                return;
            }
            while (data.readableBytes() > StreamFrames.MAX_CHUNK) {
                appendAndWrite(data.readRetainedSlice(StreamFrames.MAX_CHUNK));
            }
            appendAndWrite(data);
            updateSourcePause();
        }
    }

    private void appendAndWrite(ByteBuf chunk) {
        bytesOut.addAndGet(chunk.readableBytes());
        ByteBuf copyForLink = link == null ? null : chunk.retainedDuplicate();
        long offset = replay.append(chunk);
        if (copyForLink != null) {
            link.write(StreamFrames.data(link.alloc(), offset, copyForLink));
        }
    }

    public synchronized void flush() {
        if (link != null) {
            link.flush();
        }
    }

    /** Local end of data (half-close): the peer gets a FIN after everything sent before it. */
    public synchronized void finish() {
        if (terminated || outboundFinished) {
            return;
        }
        outboundFinished = true;
        if (link != null) {
            link.write(StreamFrames.fin(link.alloc(), replay.end()));
            link.flush();
        }
        completeIfDone();
    }

    /** Ends the stream at once in both directions, telling the peer why (best effort; a later re-attach gets 404). */
    public void cancel(String reason) {
        synchronized (this) {
            if (terminated) {
                return;
            }
            if (link != null) {
                link.endWith(StreamFrames.abort(reason));
            }
            terminate(reason);
        }
    }

    /** The local side cannot take more bytes (true) or can again (false): stops reading from the link. */
    public synchronized void pauseInbound(boolean paused) {
        inboundPaused = paused;
        if (link != null) {
            link.setReading(!paused);
        }
    }

    // ---- carriers

    /**
     * Attaches a new carrier; {@code peerReceived} is what the peer has received of our bytes. Replays the rest.
     * Returns false (and aborts) when the peer claims bytes that were never sent.
     */
    public boolean attach(StreamLink newLink, long peerReceived) {
        synchronized (this) {
            if (terminated) {
                newLink.close();
                return false;
            }
            long finExtra = outboundFinished ? 1 : 0;
            if (peerReceived < replay.start() || peerReceived > replay.end() + finExtra) {
                String reason = "peer reports " + peerReceived + " bytes received, but only " + replay.start() + ".."
                        + (replay.end() + finExtra) + " can be resent";
                log.warn("stream {}: resume refused via {}: {}", id, newLink.describe(), reason);
                link = newLink;
                cancel(reason);
                return false;
            }
            if (link != null && link != newLink) {
                link.close();
            }
            link = newLink;
            detachEpoch++;
            acknowledgeUpTo(peerReceived);
            List<ReplayBuffer.Chunk> resend = new ArrayList<>();
            replay.unacknowledged(resend);
            for (ReplayBuffer.Chunk chunk : resend) {
                newLink.write(StreamFrames.data(newLink.alloc(), chunk.offset(), chunk.bytes()));
            }
            if (outboundFinished && !finAcknowledged) {
                newLink.write(StreamFrames.fin(newLink.alloc(), replay.end()));
            }
            newLink.flush();
            newLink.sendAck(received);
            acknowledgedToPeer = received;
            newLink.setReading(!inboundPaused);
            updateSourcePause();
            completeIfDone();
            return true;
        }
    }

    /** The carrier broke; bytes wait in the replay buffer until a re-attach or the grace period ends. */
    public void detached(StreamLink oldLink) {
        synchronized (this) {
            if (link != oldLink || terminated) {
                return;
            }
            link = null;
            long epoch = ++detachEpoch;
            updateSourcePause();
            timers.schedule(() -> expireIfStillDetached(epoch), grace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void expireIfStillDetached(long epoch) {
        synchronized (this) {
            if (!terminated && link == null && detachEpoch == epoch) {
                log.warn("stream {}: link lost for more than {} s, closing it", id, grace.toSeconds());
                terminate("link lost for more than " + grace.toSeconds() + " s");
            }
        }
    }

    /**
     * The link's writability flipped. Only a flip that disagrees with the source's state takes the lock: writable
     * while the source runs, or unwritable while it is paused, changes nothing. {@link #updateSourcePause()}
     * re-reads writability after it pauses, so a flip that looked before the pause was published is not lost.
     */
    public void linkWritabilityChanged(StreamLink source) {
        if (source.isWritable() != sourcePaused) {
            return;
        }
        synchronized (this) {
            if (source == link) {
                updateSourcePause();
            }
        }
    }

    /** End of a read batch on the carrier: acknowledges what arrived. */
    public synchronized void readComplete(StreamLink source) {
        if (source == link && received > acknowledgedToPeer) {
            link.sendAck(received);
            acknowledgedToPeer = received;
        }
        sink.flush();
    }

    // ---- frames from the peer

    @Override
    public synchronized void data(long offset, ByteBuf payload) throws MalformedFrameException {
        try {
            if (terminated) {
                payload.release();
                return;
            }
            if (inboundFinished) {
                throw new MalformedFrameException("DATA after FIN");
            }
            if (offset > received) {
                throw new MalformedFrameException("DATA at offset " + offset + " leaves a gap after " + received);
            }
            long duplicate = received - offset;
            if (duplicate >= payload.readableBytes()) {
                payload.release();
                return;
            }
            payload.skipBytes((int) duplicate);
            received += payload.readableBytes();
            bytesIn.addAndGet(payload.readableBytes());
        } catch (MalformedFrameException e) {
            payload.release();
            throw e;
        }
        sink.deliver(payload);
    }

    @Override
    public synchronized void ack(long offset) throws MalformedFrameException {
        if (terminated) {
            return;
        }
        long limit = replay.end() + (outboundFinished ? 1 : 0);
        if (offset > limit) {
            throw new MalformedFrameException("ACK of " + offset + " bytes, but only " + limit + " were sent");
        }
        if (offset >= replay.start()) {
            acknowledgeUpTo(offset);
        }
        updateSourcePause();
        completeIfDone();
    }

    private void acknowledgeUpTo(long offset) {
        replay.acknowledge(Math.min(offset, replay.end()));
        if (outboundFinished && offset == replay.end() + 1) {
            finAcknowledged = true;
        }
    }

    @Override
    public synchronized void fin(long offset) throws MalformedFrameException {
        if (terminated || inboundFinished) {
            return;
        }
        if (offset != received) {
            throw new MalformedFrameException("FIN at offset " + offset + " but " + received + " bytes were received");
        }
        inboundFinished = true;
        received++;
        sink.peerFinished();
        completeIfDone();
    }

    @Override
    public synchronized void abort(String reason) {
        // Called by the frame reader: the peer aborted.
        if (!terminated) {
            log.info("stream {}: peer closed it: {}", id, reason);
            if (link != null) {
                link.close();
            }
            terminate("peer aborted: " + reason);
        }
    }

    /** The peer sent something that breaks the framing: abort with a reason both logs show. */
    public void protocolError(StreamLink source, MalformedFrameException e) {
        log.warn("stream {}: malformed frame from {}: {}; aborting this stream only", id, source.describe(),
                e.getMessage());
        cancel("malformed frame: " + e.getMessage());
    }

    // ---- internals

    private void updateSourcePause() {
        boolean pause = shouldPauseSource();
        if (pause == sourcePaused) {
            return;
        }
        sourcePaused = pause;
        if (pause && !shouldPauseSource()) {
            // The link became writable after we looked, and its event may have seen the source still running.
            sourcePaused = false;
            return;
        }
        sink.sourcePaused(pause);
    }

    private boolean shouldPauseSource() {
        return !terminated && (replay.size() >= maxUnacknowledged || (link != null && !link.isWritable()));
    }

    private void completeIfDone() {
        if (!terminated && inboundFinished && outboundFinished && finAcknowledged) {
            if (link != null) {
                // The peer may still wait for our ACK of its FIN before it completes too.
                link.sendAck(received);
                acknowledgedToPeer = received;
                link.end();
            }
            terminate(null);
        }
    }

    private void terminate(String reason) {
        terminated = true;
        link = null;
        replay.release();
        sink.ended(reason);
        ended.complete(reason);
    }
}
