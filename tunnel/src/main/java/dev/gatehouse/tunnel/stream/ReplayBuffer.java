package dev.gatehouse.tunnel.stream;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Bytes sent but not yet acknowledged by the peer, by stream offset. Holds references to the buffers already
 * handed to the link (no copy); an acknowledgement releases them, a re-attach replays what is left.
 */
final class ReplayBuffer {

    private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();
    private long start;
    private long end;

    /** Appends {@code data} (ownership passes here) and returns the offset of its first byte. */
    long append(ByteBuf data) {
        long offset = end;
        end += data.readableBytes();
        chunks.addLast(data);
        return offset;
    }

    /** Drops everything before {@code offset}; the caller has checked {@code start <= offset <= end}. */
    void acknowledge(long offset) {
        while (start < offset && !chunks.isEmpty()) {
            ByteBuf head = chunks.peekFirst();
            long chunkEnd = start + head.readableBytes();
            if (chunkEnd <= offset) {
                chunks.removeFirst().release();
                start = chunkEnd;
            } else {
                head.skipBytes((int) (offset - start));
                start = offset;
            }
        }
    }

    /** Adds {@code (offset, duplicate)} pairs of every unacknowledged chunk to {@code out}, oldest first. */
    void unacknowledged(List<Chunk> out) {
        long offset = start;
        for (ByteBuf chunk : chunks) {
            out.add(new Chunk(offset, chunk.retainedDuplicate()));
            offset += chunk.readableBytes();
        }
    }

    long start() {
        return start;
    }

    long end() {
        return end;
    }

    long size() {
        return end - start;
    }

    void release() {
        chunks.forEach(ByteBuf::release);
        chunks.clear();
        start = end;
    }

    record Chunk(long offset, ByteBuf bytes) {
    }
}
