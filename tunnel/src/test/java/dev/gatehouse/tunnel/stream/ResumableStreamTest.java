package dev.gatehouse.tunnel.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.tunnel.protocol.MalformedFrameException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Resume bookkeeping with in-memory links: what is resent, what is released, when the stream gives up. */
class ResumableStreamTest {

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final RecordingSink sink = new RecordingSink();

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    @Test
    void bytesSentWhileDetachedThenReplayedFromPeerOffsetOnAttach() throws Exception {
        ResumableStream stream = new ResumableStream("s-1", sink, 1 << 20, Duration.ofSeconds(30), timers);
        RecordingLink first = new RecordingLink();
        stream.attach(first, 0);
        stream.send(text("hello "));
        stream.detached(first);
        stream.send(text("world"));

        RecordingLink second = new RecordingLink();
        assertThat(stream.attach(second, 3)).isTrue();

        assertThat(second.decodedData()).isEqualTo("lo world");
        assertThat(second.acks).containsExactly(0L);
    }

    @Test
    void ackReleasesReplayAndPausesSourceOnlyWhileFull() throws Exception {
        ResumableStream stream = new ResumableStream("s-2", sink, 64 * 1024, Duration.ofSeconds(30), timers);
        stream.attach(new RecordingLink(), 0);
        stream.send(Unpooled.wrappedBuffer(new byte[64 * 1024]));
        assertThat(sink.paused).isTrue();
        stream.ack(64 * 1024);
        assertThat(sink.paused).isFalse();
        RecordingLink next = new RecordingLink();
        stream.attach(next, 64 * 1024);
        assertThat(next.decodedData()).isEmpty();
    }

    @Test
    void peerClaimsBytesNeverSentThenStreamAborted() {
        ResumableStream stream = new ResumableStream("s-3", sink, 1 << 20, Duration.ofSeconds(30), timers);
        stream.send(text("abc"));
        assertThat(stream.attach(new RecordingLink(), 10)).isFalse();
        assertThat(stream.ended().join()).contains("only 0..3 can be resent");
    }

    @Test
    void duplicateDataThenDeliveredOnceAndGapRefused() throws Exception {
        ResumableStream stream = new ResumableStream("s-4", sink, 1 << 20, Duration.ofSeconds(30), timers);
        stream.attach(new RecordingLink(), 0);
        stream.data(0, text("abcd"));
        stream.data(2, text("cdef"));
        assertThat(sink.delivered.toString()).isEqualTo("abcdef");
        assertThat(stream.received()).isEqualTo(6);
        assertThatThrownBy(() -> stream.data(9, text("x"))).isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("gap");
    }

    @Test
    void bothFinsAcknowledgedThenCompletesCleanly() throws Exception {
        ResumableStream stream = new ResumableStream("s-5", sink, 1 << 20, Duration.ofSeconds(30), timers);
        RecordingLink link = new RecordingLink();
        stream.attach(link, 0);
        stream.send(text("12"));
        stream.finish();
        stream.fin(0);
        assertThat(sink.peerFinished).isTrue();
        assertThat(stream.ended()).isNotDone();
        stream.ack(3);
        assertThat(stream.ended().join()).isNull();
        assertThat(link.ended).isTrue();
    }

    @Test
    void detachedLongerThanGraceThenAbortedWithReason() throws Exception {
        ResumableStream stream = new ResumableStream("s-6", sink, 1 << 20, Duration.ofMillis(100), timers);
        RecordingLink link = new RecordingLink();
        stream.attach(link, 0);
        stream.detached(link);
        assertThat(stream.ended().get(10, TimeUnit.SECONDS)).contains("link lost for more than");
        assertThat(sink.endReason).contains("link lost");
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private static final class RecordingSink implements StreamSink {
        final StringBuilder delivered = new StringBuilder();
        volatile boolean paused;
        volatile boolean peerFinished;
        volatile String endReason;

        @Override
        public void deliver(ByteBuf data) {
            delivered.append(data.toString(StandardCharsets.US_ASCII));
            data.release();
        }

        @Override
        public void flush() {
        }

        @Override
        public void peerFinished() {
            peerFinished = true;
        }

        @Override
        public void sourcePaused(boolean isPaused) {
            paused = isPaused;
        }

        @Override
        public void ended(String abortReason) {
            endReason = abortReason;
        }
    }
}
