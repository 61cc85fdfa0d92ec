package dev.gatehouse.tunnel.stream;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBuf;

/** The HTTP/2 stream currently carrying a {@link ResumableStream}; replaced on every re-attach. */
public interface StreamLink {

    ByteBufAllocator alloc();

    /** Queues one framed message (ownership passes here); not flushed. */
    void write(ByteBuf frame);

    void flush();

    /** Acknowledges {@code received} bytes at once, outside flow control. */
    void sendAck(long received);

    /** False while the HTTP/2 stream's flow-control window is exhausted. */
    boolean isWritable();

    /** Stops or resumes reading, which stops or resumes HTTP/2 window updates to the peer. */
    void setReading(boolean reading);

    /** Ends the HTTP/2 stream cleanly once the logical stream is complete. */
    void end();

    /** Sends a last frame with END_STREAM, then resets the HTTP/2 stream once it is on the wire (abort). */
    void endWith(ByteBuf lastFrame);

    /** Drops this carrier (superseded or broken); the logical stream lives on. */
    void close();

    /** Names the peer in log lines. */
    String describe();
}
