package dev.gatehouse.tunnel.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * The small framing carried inside HTTP/2 DATA. Offsets make retransmission after a re-attach idempotent:
 * <pre>
 * DATA  0x01 | offset u64 | length u32 | bytes
 * ACK   0x02 | received u64          (bytes received, plus one once the peer's FIN arrived)
 * FIN   0x03 | offset u64            (no more data after offset)
 * ABORT 0x04 | length u16 | UTF-8 reason
 * </pre>
 * ACKs normally travel outside DATA, in an HTTP/2 extension frame of type {@link #ACK_FRAME_TYPE} carrying the
 * u64: extension frames are not flow-controlled, so an acknowledgement is never stuck behind data the peer cannot
 * take yet (which would deadlock both directions once the replay buffer fills). Inside DATA an ACK is still accepted.
 */
public final class StreamFrames {

    public static final byte DATA = 1;
    public static final byte ACK = 2;
    public static final byte FIN = 3;
    public static final byte ABORT = 4;

    /** HTTP/2 extension frame type for out-of-band ACKs; peers that do not know it must ignore it (RFC 9113 5.5). */
    public static final byte ACK_FRAME_TYPE = (byte) 0xf1;

    public static final int DATA_HEADER_LENGTH = 13;
    /** Largest DATA payload accepted; senders cut larger writes into chunks of {@link #MAX_CHUNK}. */
    public static final int MAX_DATA_LENGTH = 1 << 20;
    public static final int MAX_CHUNK = 64 * 1024;
    /** Parts a DATA frame's buffer may gather before Netty consolidates it (a copy). */
    static final int FRAME_PARTS = 64;

    private StreamFrames() {
    }

    /**
     * A DATA frame around {@code payload}, without copying it (ownership of payload passes to the result). The
     * composite leaves room for more parts: HTTP/2's flow controller builds each outgoing frame by appending the next
     * queued writes to the first one, and a composite sized for exactly two parts made it copy every such frame whole.
     */
    public static ByteBuf data(ByteBufAllocator alloc, long offset, ByteBuf payload) {
        ByteBuf header = alloc.buffer(DATA_HEADER_LENGTH);
        header.writeByte(DATA).writeLong(offset).writeInt(payload.readableBytes());
        return alloc.compositeBuffer(FRAME_PARTS).addComponents(true, header, payload);
    }

    public static ByteBuf ack(ByteBufAllocator alloc, long received) {
        return alloc.buffer(9).writeByte(ACK).writeLong(received);
    }

    public static ByteBuf fin(ByteBufAllocator alloc, long offset) {
        return alloc.buffer(9).writeByte(FIN).writeLong(offset);
    }

    public static ByteBuf abort(String reason) {
        byte[] text = TunnelHeaders.printable(reason).getBytes(StandardCharsets.UTF_8);
        return Unpooled.buffer(3 + text.length).writeByte(ABORT).writeShort(text.length).writeBytes(text);
    }
}
