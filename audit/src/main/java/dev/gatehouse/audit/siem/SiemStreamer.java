package dev.gatehouse.audit.siem;

import dev.gatehouse.audit.events.AuditEventQuery;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.audit.events.StoredAuditEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams committed audit events, in chain order, to one {@link SiemSink}. It reads the store on its own thread, so
 * ingest never waits for a SIEM; only committed events are sent (a rolled-back admin change never shows up); the id
 * of the last event sent is kept in {@code cursorFile}, so a restart or a sink outage resumes where it stopped.
 */
public final class SiemStreamer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SiemStreamer.class);

    private final PostgresAuditStore store;
    private final SiemSink sink;
    private final Path cursorFile;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long sent;

    public SiemStreamer(PostgresAuditStore store, SiemSink sink, Path cursorFile) {
        this.store = Objects.requireNonNull(store, "store");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.cursorFile = Objects.requireNonNull(cursorFile, "cursorFile");
        this.sent = readCursor();
        this.thread = Thread.ofPlatform().name("audit-siem").daemon(true).start(this::run);
    }

    /** The id of the last event the sink accepted. */
    public long sentUpTo() {
        return sent;
    }

    private void run() {
        long backoff = 100;
        while (running) {
            try {
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
