package dev.gatehouse.tunnel.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamFrameReaderTest {

    private final List<String> seen = new ArrayList<>();
    private final StreamFrameReader.Frames recorder = new StreamFrameReader.Frames() {
        @Override
        public void data(long offset, ByteBuf payload) {
            seen.add("data " + offset + " " + payload.toString(StandardCharsets.US_ASCII));
            payload.release();
        }

        @Override
        public void ack(long received) {
            seen.add("ack " + received);
        }

        @Override
        public void fin(long offset) {
            seen.add("fin " + offset);
        }

        @Override
        public void abort(String reason) {
            seen.add("abort " + reason);
        }
    };

    @Test
    void framesSplitAcrossFeedsThenReassembledInOrder() throws Exception {
        ByteBuf all = Unpooled.buffer();
        all.writeBytes(StreamFrames.data(ByteBufAllocator.DEFAULT, 7, text("hello")));
        all.writeBytes(StreamFrames.ack(ByteBufAllocator.DEFAULT, 42));
        all.writeBytes(StreamFrames.fin(ByteBufAllocator.DEFAULT, 12));
        all.writeBytes(StreamFrames.abort("bye\u0001"));
        StreamFrameReader reader = new StreamFrameReader(ByteBufAllocator.DEFAULT);
        while (all.isReadable()) {
            reader.feed(all.readRetainedSlice(Math.min(3, all.readableBytes())), recorder);
        }
        assertThat(seen).containsExactly("data 7 hello", "ack 42", "fin 12", "abort bye?");
        reader.release();
    }

    @Test
    void dataAcrossSeveralFeedsThenThePayloadHoldsTheFedBuffersInsteadOfACopy() throws Exception {
        ByteBuf frame = StreamFrames.data(ByteBufAllocator.DEFAULT, 0, text("0123456789"));
        ByteBuf first = Unpooled.buffer().writeBytes(frame, 16);
        ByteBuf second = Unpooled.buffer().writeBytes(frame);
        frame.release();
        List<ByteBuf> payloads = new ArrayList<>();
        StreamFrameReader reader = new StreamFrameReader(ByteBufAllocator.DEFAULT);

        reader.feed(first, new Delivered(payloads));
        reader.feed(second, new Delivered(payloads));

        assertThat(payloads).hasSize(1);
        assertThat(payloads.get(0).toString(StandardCharsets.US_ASCII)).isEqualTo("0123456789");
        assertThat(first.refCnt()).isPositive();
        assertThat(second.refCnt()).isPositive();
        payloads.get(0).release();
        assertThat(first.refCnt()).isZero();
        assertThat(second.refCnt()).isZero();
        reader.release();
    }

    /** Keeps DATA payloads (unreleased) for a look at what they hold. */
    private record Delivered(List<ByteBuf> payloads) implements DataFrames {
        @Override
        public void data(long offset, ByteBuf payload) {
            payloads.add(payload);
        }
    }

    @Test
    void unknownTypeThenMalformedWithTypeNamed() {
        StreamFrameReader reader = new StreamFrameReader(ByteBufAllocator.DEFAULT);
        assertThatThrownBy(() -> reader.feed(Unpooled.wrappedBuffer(new byte[] {0x42}), recorder))
                .isInstanceOf(MalformedFrameException.class).hasMessage("unknown frame type 0x42");
    }

    @Test
    void oversizedOrEmptyDataThenMalformedBeforeBuffering() {
        for (int length : new int[] {0, -1, StreamFrames.MAX_DATA_LENGTH + 1}) {
            StreamFrameReader reader = new StreamFrameReader(ByteBufAllocator.DEFAULT);
            ByteBuf header = Unpooled.buffer().writeByte(StreamFrames.DATA).writeLong(0).writeInt(length);
            assertThatThrownBy(() -> reader.feed(header, recorder)).hasMessageContaining("DATA frame length");
        }
    }

    @Test
    void negativeOffsetThenMalformed() {
        StreamFrameReader reader = new StreamFrameReader(ByteBufAllocator.DEFAULT);
        assertThatThrownBy(() -> reader.feed(Unpooled.buffer().writeByte(StreamFrames.ACK).writeLong(-3), recorder))
                .hasMessage("negative offset -3");
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }
}
