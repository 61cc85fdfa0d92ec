package dev.gatehouse.tunnel.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.CoalescingBufferQueue;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** DATA frames as HTTP/2's flow controller sends them: several queued frames joined into one, without a copy. */
class StreamFramesTest {

    @Test
    void queuedDataFramesAreJoinedWithoutCopyingTheirBytes() {
        EmbeddedChannel channel = new EmbeddedChannel();
        // what DefaultHttp2ConnectionEncoder keeps per stream, and how it takes the next frame's bytes out of it
        CoalescingBufferQueue queue = new CoalescingBufferQueue(channel);
        ByteBuf[] payloads = new ByteBuf[4];
        int length = 0;
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = Unpooled.directBuffer(3000).writeZero(3000);
            ByteBuf frame = StreamFrames.data(ByteBufAllocator.DEFAULT, i * 3000L, payloads[i]);
            length += frame.readableBytes();
            queue.add(frame);
        }

        ByteBuf joined = queue.remove(length, channel.newPromise());

        assertThat(joined.readableBytes()).isEqualTo(length);
        assertThat(joined).isInstanceOf(CompositeByteBuf.class);
        assertThat(((CompositeByteBuf) joined).numComponents()).as("frames appended, not consolidated into a copy")
                .isGreaterThanOrEqualTo(payloads.length);
        joined.release();
        for (ByteBuf payload : payloads) {
            assertThat(payload.refCnt()).as("each payload released once with the frame").isZero();
        }
        channel.finishAndReleaseAll();
    }
}
