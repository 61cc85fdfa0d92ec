package dev.gatehouse.audit.spool;

import dev.gatehouse.audit.recording.Evidence;
import dev.gatehouse.audit.recording.EvidenceStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers recorder evidence to the store in order, and never loses it while the store is away.
 *
 * <p>Normally items pass through memory. When a delivery fails (PostgreSQL or the blob store down), or memory holds
 * more than its budget, every undelivered item is written to an on-disk journal (fsync'd), and from then on new items
 * are appended there too, so order is kept. A delivery thread retries the journal from its saved position with
 * backoff; once the journal is delivered it is removed and items pass through memory again. After a crash the journal
 * is found at start and delivered first. The store is idempotent, so an item delivered just before a crash and
 * delivered again after it is stored once.
 */
public final class EvidenceSpool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EvidenceSpool.class);
    private static final int BATCH_ITEMS = 5000;
    private static final long MIN_FREE_BYTES = 64L << 20;

    private final EvidenceStore store;
    private final Journal journal;
    private final Journal deadLetter;
    private final long memoryBudget;
    private final ArrayDeque<Evidence> memory = new ArrayDeque<>();
    private long memoryBytes;
    /** Items the journal could not take (disk full): they go to it, in order, before anything newer. */
    private final ArrayDeque<Evidence> unwritten = new ArrayDeque<>();
    private long unwrittenBytes;
    private long lost;
    private boolean onDisk;
    private long spills;
    private volatile boolean failing;
    private volatile String lastError;
    private volatile boolean running = true;
    private final Thread delivery;
    /** {@link System#nanoTime()} when evidence began waiting after the spool was last empty; -1 while empty. */
    private long waitingSince = -1;
    /** {@link System#nanoTime()} of the last batch the store took; {@code waitingSince} until one is. */
    private long lastDelivered;

    public EvidenceSpool(Path directory, EvidenceStore store, long memoryBudgetBytes) {
        this.store = Objects.requireNonNull(store, "store");
        this.memoryBudget = memoryBudgetBytes;
        this.journal = new Journal(Objects.requireNonNull(directory, "directory"));
        this.deadLetter = new Journal(directory, "dead-letter");
        this.onDisk = journal.hasUndelivered();
        if (onDisk) {
            waitingSince = System.nanoTime();
            lastDelivered = waitingSince;
            LOG.info("audit spool: delivering evidence left in {} by an earlier run", directory);
        }
        this.delivery = Thread.ofPlatform().name("audit-spool").daemon(true).start(this::deliver);
    }

    /** Queues items for delivery, in order. Never waits for the store, never throws. */
    public synchronized void submit(List<Evidence> items) {
        if (items.isEmpty()) {
            return;
        }
        if (waitingSince == -1) {
            waitingSince = System.nanoTime();
            lastDelivered = waitingSince;
        }
        if (onDisk) {
            append(items);
        } else {
            for (Evidence e : items) {
                memory.add(e);
                memoryBytes += Journal.estimate(e);
            }
            if (memoryBytes > memoryBudget) {
                spill();
            }
        }
        notifyAll();
    }

    /**
     * Waits while {@code items} would take memory past its budget and the store is taking batches: a store that keeps
     * up, only more slowly than evidence comes in (blob writes are fsync'd one by one), slows the recorder, and through
     * its queue the sessions, instead of sending every later item through the journal (serialised and fsync'd on the
     * recorder's thread, then read back). Returns at once while deliveries fail or evidence is already on disk; when
     * the store took no batch for {@code stalled}, it returns too, and {@link #submit} spills as before. Memory stays
     * within the budget either way.
     */
    public synchronized void awaitRoom(List<Evidence> items, Duration stalled) throws InterruptedException {
        long incoming = 0;
        for (Evidence e : items) {
            incoming += Journal.estimate(e);
        }
        long stalledNanos = stalled.toNanos();
        while (!onDisk && !failing && running && !memory.isEmpty() && memoryBytes + incoming > memoryBudget
                && unwritten.isEmpty()) {
            long left = lastDelivered + stalledNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            wait(Math.max(1, Math.min(left / 1_000_000, 50)));
        }
    }

    /** False when the spool could not keep more (disk nearly full or unwritable): the bastion's fail-closed check. */
    public boolean accepting() {
        return unavailable() == null;
    }

    /** Why the spool cannot keep more now (for the refused user, health and logs); null while it can. */
    public String unavailable() {
        if (journal.broken()) {
            return "the audit spool " + journal.path().getParent() + " cannot be written";
        }
        if (journal.usableSpace() <= MIN_FREE_BYTES) {
            return "the audit spool's disk is full (under " + (MIN_FREE_BYTES >> 20) + " MiB free in "
                    + journal.path().getParent() + ")";
        }
        return null;
    }

    /** Items lost because neither the store nor the disk could take them and memory was full: should stay 0. */
    public synchronized long lost() {
        return lost;
    }

    /** Whether everything submitted so far has been stored. */
    public synchronized boolean drained() {
        return memory.isEmpty() && unwritten.isEmpty() && !onDisk && !delivering;
    }

    /** Waits until everything submitted so far is stored, or the timeout passes. */
    public synchronized boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!drained()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Items waiting in memory (not counting the journal): a gauge for metrics and benchmarks. */
    public synchronized int backlog() {
        return memory.size();
    }

    /** Bytes of evidence waiting on disk (spilled during an outage or left by an earlier run): a gauge. */
    public long spooledBytes() {
        return journal.undeliveredBytes();
    }

    /**
     * How far delivery is behind: zero while nothing waits; else the time since the later of the moment evidence began
     * waiting and the store's last accepted batch. It grows while the store is away, and stays small under steady load
     * that the store keeps up with.
     */
    public synchronized Duration uploadLag() {
        return waitingSince == -1 ? Duration.ZERO : Duration.ofNanos(Math.max(0, System.nanoTime() - lastDelivered));
    }

    /** True while deliveries are failing (the store is away); the last error says why. */
    public boolean failing() {
        return failing;
    }

    public String lastError() {
        return lastError;
    }

    private boolean delivering;

    /**
     * The delivery thread outlives anything one round throws, {@link Error}s included (an {@code OutOfMemoryError}
     * in a batch, a disk that fails on read): it logs, backs off and tries again.
     */
    private void deliver() {
        long backoff = 50;
        while (running) {
            try {
                backoff = deliverOnce(backoff);
            } catch (InterruptedException e) {
                return;
            } catch (Throwable e) {
                failing = true;
                lastError = e.toString();
                LOG.error("audit spool delivery failed, retrying: {}", e.toString(), e);
                sleep(backoff);
                backoff = Math.min(5000, backoff * 2);
            }
        }
    }

    /** One round: a batch from memory or the journal to the store; returns the next backoff. */
    @SuppressWarnings("WaitNotInLoop") // each wait is a pause of the delivery loop, which calls this again
    private long deliverOnce(long backoff) throws InterruptedException {
        synchronized (this) {
            if (journal.broken() || !unwritten.isEmpty()) {
                writeUnwritten();
            }
        }
        List<Evidence> batch;
        long endPosition = -1;
        boolean fromDisk;
        long generation;
        synchronized (this) {
            generation = spills;
            fromDisk = onDisk;
            if (!fromDisk && memory.isEmpty()) {
                if (unwritten.isEmpty()) {
                    waitingSince = -1;
                }
                delivering = false;
                notifyAll();
                wait(200);
                return backoff;
            }
            delivering = true;
            if (!fromDisk) {
                batch = new ArrayList<>(Math.min(memory.size(), BATCH_ITEMS));
                for (Evidence e : memory) {
                    if (batch.size() == BATCH_ITEMS) {
                        break;
                    }
                    batch.add(e);
                }
            } else {
                batch = null;
            }
        }
        if (fromDisk) {
            Journal.Batch read = journal.read(BATCH_ITEMS);
            if (read.items().isEmpty()) {
                synchronized (this) {
                    if (journal.fullyRead() && unwritten.isEmpty()) {
                        journal.reset();
                        onDisk = false;
                        notifyAll();
                    } else if (!unwritten.isEmpty()) {
                        wait(200); // the disk is still full: what memory holds waits for it
                    }
                }
                return backoff;
            }
            batch = read.items();
            endPosition = read.endPosition();
        }
        try {
            store.store(batch);
            if (failing) {
                LOG.info("audit store reachable again; delivering spooled evidence");
            }
            failing = false;
            delivered(fromDisk, endPosition, generation, batch.size());
            return 50;
        } catch (RuntimeException e) {
            if (Failures.permanent(e) && isolate(batch)) {
                delivered(fromDisk, endPosition, generation, batch.size());
                return backoff;
            }
            if (!failing) {
                LOG.warn("audit store unavailable, spooling to disk: {}", e.getMessage());
            }
            failing = true;
            lastError = e.getMessage();
            synchronized (this) {
                if (!onDisk) {
                    spill();
                }
            }
            sleep(backoff);
            return Math.min(5000, backoff * 2);
        }
    }

    /** Forgets a stored batch: advances the journal's position, or drops it from memory. */
    private synchronized void delivered(boolean fromDisk, long endPosition, long generation, int items) {
        lastDelivered = System.nanoTime();
        if (fromDisk) {
            journal.delivered(endPosition);
        } else if (generation == spills) {
            // (after a spill these items are in the journal too; delivering them again is harmless)
            for (int i = 0; i < items; i++) {
                memoryBytes -= Journal.estimate(memory.removeFirst());
            }
        }
        notifyAll();
    }

    /**
     * A batch the store refuses for a reason retrying cannot fix (bad data, a conflicting blob) would block every
     * later item forever. Store its items one by one; any refused for such a reason goes to {@code dead-letter.log}
     * (same format as the journal) with an error in the log, and delivery moves on. Returns false if a transient
     * failure interrupted this, so the batch is retried as a whole.
     */
    private boolean isolate(List<Evidence> batch) {
        for (Evidence item : batch) {
            try {
                store.store(List.of(item));
            } catch (RuntimeException e) {
                if (!Failures.permanent(e)) {
                    return false;
                }
                LOG.error("audit evidence refused by the store and set aside in {}: {} ({})", deadLetter.path(),
                        item.getClass().getSimpleName() + " of session " + item.sessionId(), e.getMessage());
                deadLetter.append(List.of(item));
            }
        }
        return true;
    }

    private void spill() {
        LOG.info("audit spool: {} items (about {} bytes) go to the journal on disk ({})", memory.size(), memoryBytes,
                failing ? "the store is failing" : "the store is behind");
        List<Evidence> items = List.copyOf(memory);
        memory.clear();
        memoryBytes = 0;
        onDisk = true;
        spills++;
        append(items);
    }

    /**
     * To the journal, after anything it could not take before. A full or failing disk keeps the items in memory
     * (new sessions are refused meanwhile, see {@link #unavailable}) up to the memory budget; past it they are
     * counted as {@link #lost} with an error, since the heap must stay bounded.
     */
    private void append(List<Evidence> items) {
        if (unwritten.isEmpty()) {
            try {
                journal.append(items);
                return;
            } catch (RuntimeException e) {
                lastError = e.getMessage();
                LOG.error("audit spool cannot write to disk, holding evidence in memory: {}", e.getMessage());
            }
        }
        for (Evidence e : items) {
            long size = Journal.estimate(e);
            if (unwrittenBytes + size > memoryBudget) {
                lost++;
                LOG.error("audit evidence lost: disk and store unavailable and {} bytes held in memory ({} of session"
                        + " {})", unwrittenBytes, e.getClass().getSimpleName(), e.sessionId());
                continue;
            }
            unwritten.add(e);
            unwrittenBytes += size;
        }
    }

    private void writeUnwritten() {
        if (unwritten.isEmpty()) {
            journal.probe();
        } else {
            journal.append(List.copyOf(unwritten));
            unwritten.clear();
            unwrittenBytes = 0;
            LOG.info("audit spool writable again; evidence held in memory is on disk");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops delivering; whatever is still in memory is written to the journal for the next start. */
    @Override
    public void close() {
        running = false;
        delivery.interrupt();
        try {
            delivery.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (!memory.isEmpty()) {
                spill();
            }
            journal.close();
        }
    }

}
