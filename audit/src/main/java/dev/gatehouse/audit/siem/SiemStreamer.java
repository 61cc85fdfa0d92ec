package dev.gatehouse.audit.siem;

import dev.gatehouse.audit.chain.CheckpointAnchor;
import dev.gatehouse.audit.chain.SignedCheckpoint;
import dev.gatehouse.audit.events.AuditEventQuery;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.audit.events.StoredAuditEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams committed audit events, in chain order, to one {@link SiemSink}. It reads the store on its own thread, so
 * ingest never waits for a SIEM; only committed events are sent (a rolled-back admin change never shows up); the id
 * of the last event sent is kept in {@code cursorFile}, so a restart or a sink outage resumes where it stopped. Given
 * to a {@code ChainCheckpointer} as an anchor, it also sends each signed checkpoint (queued in memory only: the blob
 * store's anchors are the durable ones).
 */
public final class SiemStreamer implements CheckpointAnchor, AutoCloseable {

    /** Checkpoints waiting for the sink; when it is away longer than this many, the oldest are superseded. */
    private static final int CHECKPOINT_BACKLOG = 64;

    private static final Logger LOG = LoggerFactory.getLogger(SiemStreamer.class);

    private final PostgresAuditStore store;
    private final SiemSink sink;
    private final Path cursorFile;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long sent;
    private final Deque<SignedCheckpoint> checkpoints = new ArrayDeque<>();

    public SiemStreamer(PostgresAuditStore store, SiemSink sink, Path cursorFile) {
        this.store = Objects.requireNonNull(store, "store");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.cursorFile = Objects.requireNonNull(cursorFile, "cursorFile");
        this.sent = readCursor();
        this.thread = Thread.ofPlatform().name("audit-siem").daemon(true).start(this::run);
    }

    /** Queues a checkpoint for the sink; the streamer's thread sends it before the next page of events. */
    @Override
    public void publish(SignedCheckpoint checkpoint) {
        synchronized (checkpoints) {
            if (checkpoints.size() == CHECKPOINT_BACKLOG) {
                checkpoints.removeFirst();
            }
            checkpoints.addLast(checkpoint);
        }
    }

    private void sendCheckpoints() throws IOException {
        while (true) {
            SignedCheckpoint next;
            synchronized (checkpoints) {
                next = checkpoints.peekFirst();
            }
            if (next == null) {
                return;
            }
            sink.sendCheckpoint(next);
            synchronized (checkpoints) {
                checkpoints.remove(next);
            }
        }
    }

    /** The id of the last event the sink accepted. */
    public long sentUpTo() {
        return sent;
    }

    private void run() {
        long backoff = 100;
        while (running) {
            try {
                sendCheckpoints();
                List<StoredAuditEvent> page = store.search(AuditEventQuery.builder().afterId(sent).limit(500).build());
                if (page.isEmpty()) {
                    Thread.sleep(250);
                    continue;
                }
                sink.send(page);
                sent = page.getLast().id();
                saveCursor();
                backoff = 100;
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warn("SIEM sink failed, retrying: {}", e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(10_000, backoff * 2);
            }
        }
    }

    private long readCursor() {
        try {
            return Files.exists(cursorFile) ? Long.parseLong(Files.readString(cursorFile).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            LOG.warn("SIEM cursor {} unreadable; resending from the first event", cursorFile);
            return 0;
        }
    }

    private void saveCursor() throws IOException {
        Path tmp = cursorFile.resolveSibling(cursorFile.getFileName() + ".tmp");
        Files.writeString(tmp, Long.toString(sent), StandardCharsets.US_ASCII);
        Files.move(tmp, cursorFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() throws IOException {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sink.close();
    }
}
