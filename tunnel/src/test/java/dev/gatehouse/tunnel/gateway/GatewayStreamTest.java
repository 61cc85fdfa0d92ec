package dev.gatehouse.tunnel.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.tunnel.protocol.StreamFrames;
import dev.gatehouse.tunnel.stream.RecordingLink;
import dev.gatehouse.tunnel.stream.ResumableStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The non-blocking send used by the bastion's I/O threads: it says when to wait and calls back when to go on. */
class GatewayStreamTest {

    private static final int WINDOW = StreamFrames.MAX_CHUNK;

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final RecordingLink link = new RecordingLink();
    private final GatewayStream local = new GatewayStream("net", "10.0.0.5:22", "agent-1", timers);
    private final ResumableStream stream = new ResumableStream("s-1", local, WINDOW, Duration.ofSeconds(30), timers);

    GatewayStreamTest() {
        local.bind(stream);
        stream.attach(link, 0);
    }

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    @Test
    void offerBelowTheWindowThenGoOnAndBytesReachTheLink() throws Exception {
        boolean goOn = local.offer(new byte[100], 0, 100, () -> {
            throw new AssertionError("no resume expected");
        });

        assertThat(goOn).isTrue();
        assertThat(link.decodedData()).hasSize(100);
    }

    @Test
    void offerFillingTheWindowThenWaitAndResumeRunsOnceTheAckFreesIt() throws Exception {
        CountDownLatch resumed = new CountDownLatch(1);
        AtomicLong resumes = new AtomicLong();

        boolean goOn = local.offer(new byte[WINDOW], 0, WINDOW, () -> {
            resumes.incrementAndGet();
            resumed.countDown();
        });
        assertThat(goOn).isFalse();
        assertThat(resumed.await(200, TimeUnit.MILLISECONDS)).isFalse();

        stream.ack(WINDOW);

        assertThat(resumed.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(50);
        assertThat(resumes.get()).isEqualTo(1);
        assertThat(local.offer(new byte[10], 0, 10, () -> { })).isTrue();
    }

    @Test
    void offerAfterTheStreamEndedThenFailsNamingTheTargetAndReason() {
        stream.cancel("agent revoked");

        assertThatThrownBy(() -> local.offer(new byte[1], 0, 1, () -> { }))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("10.0.0.5:22").hasMessageContaining("agent revoked");
    }

    @Test
    void streamEndsWhileTheSenderWaitsThenResumeRunsAndTheNextOfferFails() throws Exception {
        CountDownLatch resumed = new CountDownLatch(1);
        assertThat(local.offer(new byte[WINDOW], 0, WINDOW, resumed::countDown)).isFalse();

        stream.cancel("agent link lost");

        assertThat(resumed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> local.offer(new byte[1], 0, 1, () -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("agent link lost");
    }

    @Test
    void windowFreedOnAnEventLoopThenResumeRunsThereAfterItsTaskAndOffTheLocks() throws Exception {
        EventLoopGroup loops = new DefaultEventLoopGroup(1);
        try {
            EventLoop loop = loops.next();
            AtomicReference<String> resumedOn = new AtomicReference<>();
            CountDownLatch resumed = new CountDownLatch(1);
            assertThat(local.offer(new byte[WINDOW], 0, WINDOW, () -> {
                resumedOn.set((loop.inEventLoop() ? "the loop" : Thread.currentThread().toString())
                        + (Thread.holdsLock(stream) || Thread.holdsLock(local) ? ", under a lock" : ""));
                resumed.countDown();
            })).isFalse();

            boolean resumedDuringTheAck = loop.submit(() -> {
                stream.ack(WINDOW);
                return resumed.getCount() == 0;
            }).get(5, TimeUnit.SECONDS);

            assertThat(resumed.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(resumedDuringTheAck).isFalse();
            assertThat(resumedOn.get()).isEqualTo("the loop");
        } finally {
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }

    @Test
    void severalDeliveriesQueuedThenOneReadTakesThemAll() throws Exception {
        stream.data(0, Unpooled.wrappedBuffer("abc".getBytes(StandardCharsets.US_ASCII)));
        stream.data(3, Unpooled.wrappedBuffer("de".getBytes(StandardCharsets.US_ASCII)));
        stream.data(5, Unpooled.wrappedBuffer("fgh".getBytes(StandardCharsets.US_ASCII)));
        byte[] buffer = new byte[7];

        int n = local.input().read(buffer, 0, buffer.length);

        assertThat(new String(buffer, 0, n, StandardCharsets.US_ASCII)).isEqualTo("abcdefg");
        assertThat(local.input().available()).isEqualTo(1);
    }

    @Test
    void offerWithARangeOutsideTheArrayThenRefused() {
        assertThatThrownBy(() -> local.offer(new byte[4], 2, 8, () -> { }))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
