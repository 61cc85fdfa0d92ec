package dev.gatehouse.controlplane.live;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import tools.jackson.databind.json.JsonMapper;

/**
 * One browser watching one activity. The bastion's I/O threads only enqueue (they must never wait for a browser);
 * a virtual thread sends. A watcher that falls more than {@link #MAX_QUEUED_BYTES} behind is closed, not waited for.
 */
final class LiveWatcher implements LiveViewer {

    static final long MAX_QUEUED_BYTES = 4L * 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(LiveWatcher.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final WebSocketMessage<?> STOP = new TextMessage("");

    private final WebSocketSession socket;
    private final BlockingQueue<WebSocketMessage<?>> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean open = new AtomicBoolean(true);
    private volatile CloseStatus closing = CloseStatus.NORMAL;

    LiveWatcher(WebSocketSession socket) {
        this.socket = Objects.requireNonNull(socket, "socket");
        Thread.ofVirtual().name("live-watcher-" + socket.getId()).start(this::send);
    }

    @Override
    public boolean started(int columns, int rows) {
        return control(Map.of("type", "start", "cols", columns, "rows", rows));
    }

    @Override
    public boolean resized(int columns, int rows) {
        return control(Map.of("type", "resize", "cols", columns, "rows", rows));
    }

    /** Queues output; false when this watcher is gone or too slow (it is then closed). */
    @Override
    public boolean output(byte[] data) {
        return enqueue(new BinaryMessage(ByteBuffer.wrap(data)), data.length);
    }

    @Override
    public void ended(String reason) {
        control(Map.of("type", "end", "reason", reason == null ? "ended" : reason));
        close(CloseStatus.NORMAL.withReason("session ended"));
    }

    /** Sends what is queued, then closes with {@code status}. */
    void close(CloseStatus status) {
        if (open.compareAndSet(true, false)) {
            closing = status;
            queue.add(STOP);
        }
    }

    boolean isOpen() {
        return open.get();
    }

    private boolean control(Map<String, Object> message) {
        String text = JSON.writeValueAsString(message);
        return enqueue(new TextMessage(text), text.length());
    }

    private boolean enqueue(WebSocketMessage<?> message, int size) {
        if (!open.get()) {
            return false;
        }
        if (queuedBytes.addAndGet(size) > MAX_QUEUED_BYTES) {
            queue.clear();
            close(CloseStatus.POLICY_VIOLATION.withReason("viewer too slow; reload to catch up"));
            return false;
        }
        queue.add(message);
        return true;
    }

    private void send() {
        try {
            while (true) {
                WebSocketMessage<?> message = queue.take();
                if (message == STOP) {
                    closeSocket(closing);
                    return;
                }
                queuedBytes.addAndGet(-message.getPayloadLength());
                synchronized (socket) {
                    if (!socket.isOpen()) {
                        open.set(false);
                        return;
                    }
                    socket.sendMessage(message);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("live watcher {} stopped: {}", socket.getId(), e.toString());
            open.set(false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeSocket(CloseStatus status) {
        synchronized (socket) {
            try {
                if (socket.isOpen()) {
                    socket.close(status);
                }
            } catch (IOException e) {
                LOG.debug("closing live watcher {}: {}", socket.getId(), e.toString());
            }
        }
    }
}
