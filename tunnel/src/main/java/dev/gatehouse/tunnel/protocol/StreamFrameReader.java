package dev.gatehouse.tunnel.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Cuts the bytes of one HTTP/2 stream into {@link StreamFrames}. HTTP/2 may split or join our frames across DATA
 * frames, so bytes are gathered until a frame is complete. Not thread-safe: one per HTTP/2 stream.
 */
public final class StreamFrameReader {

    /** Receives decoded frames; {@code data} payloads are owned by the callee. */
    public interface Frames {
        void data(long offset, ByteBuf payload) throws MalformedFrameException;

        void ack(long received) throws MalformedFrameException;

        void fin(long offset) throws MalformedFrameException;

        void abort(String reason);
    }

    private final CompositeByteBuf pending;

    public StreamFrameReader(ByteBufAllocator alloc) {
        this.pending = alloc.compositeBuffer(Integer.MAX_VALUE);
    }

    /** Adds bytes (ownership passes here) and hands every complete frame to {@code frames}. */
    public void feed(ByteBuf bytes, Frames frames) throws MalformedFrameException {
        pending.addComponent(true, bytes);
        while (pending.isReadable()) {
            if (!readOne(frames)) {
                break;
            }
        }
        pending.discardReadComponents();
    }

    private boolean readOne(Frames frames) throws MalformedFrameException {
        int start = pending.readerIndex();
        byte type = pending.getByte(start);
        switch (type) {
            case StreamFrames.DATA -> {
                if (pending.readableBytes() < StreamFrames.DATA_HEADER_LENGTH) {
                    return false;
                }
                long offset = pending.getLong(start + 1);
                int length = pending.getInt(start + 9);
                if (length <= 0 || length > StreamFrames.MAX_DATA_LENGTH) {
                    throw new MalformedFrameException("DATA frame length " + length + " outside 1.." + StreamFrames.MAX_DATA_LENGTH);
                }
                checkOffset(offset);
                if (pending.readableBytes() < StreamFrames.DATA_HEADER_LENGTH + length) {
                    return false;
                }
                pending.skipBytes(StreamFrames.DATA_HEADER_LENGTH);
                frames.data(offset, takeRetained(length));
                return true;
            }
            case StreamFrames.ACK, StreamFrames.FIN -> {
                if (pending.readableBytes() < 9) {
                    return false;
                }
                pending.skipBytes(1);
                long value = pending.readLong();
                checkOffset(value);
                if (type == StreamFrames.ACK) {
                    frames.ack(value);
                } else {
                    frames.fin(value);
                }
                return true;
            }
            case StreamFrames.ABORT -> {
                if (pending.readableBytes() < 3) {
                    return false;
                }
                int length = pending.getUnsignedShort(start + 1);
                if (length > 4 * TunnelHeaders.MAX_ERROR_LENGTH) {
                    throw new MalformedFrameException("ABORT reason of " + length + " bytes is too long");
                }
                if (pending.readableBytes() < 3 + length) {
                    return false;
                }
                pending.skipBytes(3);
                String reason = pending.readCharSequence(length, StandardCharsets.UTF_8).toString();
                frames.abort(TunnelHeaders.printable(reason));
                return true;
            }
            default -> throw new MalformedFrameException(String.format("unknown frame type 0x%02x", type & 0xff));
        }
    }

    /**
     * The next {@code length} bytes without copying them: retained slices of the HTTP/2 frames they arrived in (a
     * slice of {@code pending} itself would not do: discardReadComponents() frees the components under it).
     */
    private ByteBuf takeRetained(int length) {
        List<ByteBuf> parts = pending.decompose(pending.readerIndex(), length);
        pending.skipBytes(length);
        if (parts.size() == 1) {
            return parts.get(0).retain();
        }
        CompositeByteBuf joined = pending.alloc().compositeBuffer(parts.size());
        for (ByteBuf part : parts) {
            joined.addComponent(true, part.retain());
        }
        return joined;
    }

    private static void checkOffset(long offset) throws MalformedFrameException {
        if (offset < 0) {
            throw new MalformedFrameException("negative offset " + offset);
        }
    }

    /** Frees bytes still waiting for the rest of a frame. */
    public void release() {
        if (pending.refCnt() > 0) {
            pending.release();
        }
    }
}
