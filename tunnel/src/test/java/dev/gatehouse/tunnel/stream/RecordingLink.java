package dev.gatehouse.tunnel.stream;

import dev.gatehouse.tunnel.protocol.DataFrames;
import dev.gatehouse.tunnel.protocol.MalformedFrameException;
import dev.gatehouse.tunnel.protocol.StreamFrameReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A carrier for tests: records what the stream writes and decodes it as the peer would; always writable. */
public final class RecordingLink implements StreamLink {
    public final List<ByteBuf> frames = new ArrayList<>();
    public final List<Long> acks = new ArrayList<>();
    public boolean ended;

    @Override
    public ByteBufAllocator alloc() {
        return ByteBufAllocator.DEFAULT;
    }

    @Override
    public void write(ByteBuf frame) {
        frames.add(frame);
    }

    @Override
    public void flush() {
    }

    @Override
    public void sendAck(long received) {
        acks.add(received);
    }

    @Override
    public boolean isWritable() {
        return true;
    }

    @Override
    public void setReading(boolean reading) {
    }

    @Override
    public void end() {
        ended = true;
    }

    @Override
    public void endWith(ByteBuf lastFrame) {
        lastFrame.release();
        ended = true;
    }

    @Override
    public void close() {
    }

    @Override
    public String describe() {
        return "test link";
    }

    public String decodedData() throws MalformedFrameException {
        StringBuilder out = new StringBuilder();
        StreamFrameReader reader = new StreamFrameReader(ByteBufAllocator.DEFAULT);
        for (ByteBuf frame : frames) {
            reader.feed(frame, (DataFrames) (offset, payload) -> {
                out.append(payload.toString(StandardCharsets.US_ASCII));
                payload.release();
            });
        }
        reader.release();
        return out.toString();
    }
}
