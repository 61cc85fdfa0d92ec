package dev.gatehouse.controlplane.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

class LiveFeedTest {

    private final BlockingQueue<WebSocketMessage<?>> sent = new LinkedBlockingQueue<>();
    private final WebSocketSession socket = mock(WebSocketSession.class);

    LiveFeedTest() throws Exception {
        when(socket.isOpen()).thenReturn(true);
        when(socket.getId()).thenReturn("w1");
        doAnswer(call -> sent.add(call.getArgument(0))).when(socket).sendMessage(any());
    }

    @Test
    void watcherJoiningMidStreamGetsSizeThenRecentOutputThenLaterOutputInOrder() throws Exception {
        LiveFeed feed = new LiveFeed("s1", 120, 40, false);
        feed.output(bytes("$ ls\r\n"), 0, 6);

        feed.watch(new LiveWatcher(socket));
        feed.output(bytes("README\r\n"), 0, 8);
        feed.resized(100, 30);

        assertThat(text(next())).contains("\"type\":\"start\"").contains("\"cols\":120").contains("\"rows\":40");
        assertThat(binary(next())).isEqualTo("$ ls\r\n");
        assertThat(binary(next())).isEqualTo("README\r\n");
        assertThat(text(next())).contains("\"type\":\"resize\"").contains("\"cols\":100");
    }

    @Test
    void backlogKeepsTheNewestOutputOnlyAcrossManyWrapArounds() throws Exception {
        LiveFeed feed = new LiveFeed("s1", 80, 24, false);
        StringBuilder all = new StringBuilder();
        int[] sizes = {1, 7, 4093, 100, LiveFeed.BACKLOG_BYTES - 3, 2, LiveFeed.BACKLOG_BYTES + 5, 333};
        for (int round = 0; round < 5; round++) {
            for (int size : sizes) {
                StringBuilder chunk = new StringBuilder();
                for (int i = 0; i < size; i++) {
                    chunk.append((char) ('a' + (all.length() + i) % 26));
                }
                all.append(chunk);
                byte[] framed = bytes("<" + chunk + ">");
                feed.output(framed, 1, size);
            }
        }

        feed.watch(new LiveWatcher(socket));

        next();
        assertThat(binary(next())).isEqualTo(all.substring(all.length() - LiveFeed.BACKLOG_BYTES));
    }

    @Test
    void withoutAPtyNewlinesReachWatchersAsCarriageReturnAndNewlineFromTheBacklogAndLive() throws Exception {
        LiveFeed feed = new LiveFeed("s1", 80, 24, true);
        byte[] before = bytes("one\ntwo\r\n");
        feed.output(before, 0, before.length); // nobody watches: kept as it came, converted when a watcher joins

        feed.watch(new LiveWatcher(socket));
        byte[] after = bytes("three\n");
        feed.output(after, 0, after.length);

        next();
        assertThat(binary(next())).isEqualTo("one\r\ntwo\r\n");
        assertThat(binary(next())).isEqualTo("three\r\n");
    }

    @Test
    void endTellsWatchersWhyThenClosesThem() throws Exception {
        LiveFeed feed = new LiveFeed("s1", 80, 24, false);
        feed.watch(new LiveWatcher(socket));

        feed.ended("exit 0 (terminated: incident 42)");

        next();
        assertThat(text(next())).contains("\"type\":\"end\"").contains("incident 42");
        verify(socket, timeout(10_000)).close(any(CloseStatus.class));
        assertThat(feed.watcherCount()).isZero();
        assertThat(feed.watch(new LiveWatcher(socket))).as("an ended feed takes no new watchers").isFalse();
        assertThat(text(next())).as("a late watcher hears why").contains("\"type\":\"end\"");
    }

    private WebSocketMessage<?> next() throws InterruptedException {
        WebSocketMessage<?> message = sent.poll(10, TimeUnit.SECONDS);
        assertThat(message).as("a message reached the socket").isNotNull();
        return message;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(WebSocketMessage<?> message) {
        assertThat(message).isInstanceOf(TextMessage.class);
        return ((TextMessage) message).getPayload();
    }

    private static String binary(WebSocketMessage<?> message) {
        assertThat(message).isInstanceOf(BinaryMessage.class);
        ByteBuffer payload = ((BinaryMessage) message).getPayload();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (payload.hasRemaining()) {
            out.write(payload.get());
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
