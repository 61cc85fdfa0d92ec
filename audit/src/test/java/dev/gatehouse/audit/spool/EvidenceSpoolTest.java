package dev.gatehouse.audit.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.recording.Evidence;
import dev.gatehouse.audit.recording.EvidenceStore;
import dev.gatehouse.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvidenceSpoolTest {

    @TempDir
    Path dir;

    /** A store that keeps what it accepts, refuses line "poison" for good, and can be switched off. */
    private static final class FakeStore implements EvidenceStore {
        final List<String> stored = new ArrayList<>();
        final AtomicBoolean down = new AtomicBoolean();
        final AtomicBoolean outOfMemory = new AtomicBoolean();

        @Override
        public synchronized void store(List<Evidence> batch) {
            if (outOfMemory.get()) {
                throw new OutOfMemoryError("Java heap space (simulated)");
            }
            if (down.get()) {
                throw new RuntimeException("connection refused", new SQLException("refused", "08001"));
            }
            for (Evidence e : batch) {
                if (((Evidence.Command) e).line().equals("poison")) {
                    throw new RuntimeException("bad data", new SQLException("invalid byte sequence", "22021"));
                }
            }
            batch.forEach(e -> stored.add(((Evidence.Command) e).line()));
        }
    }

    @Test
    void anItemTheStoreRefusesForGoodIsSetAsideAndEverythingAfterItIsStoredInOrder() throws Exception {
        FakeStore store = new FakeStore();
        try (EvidenceSpool spool = new EvidenceSpool(dir, store, 1 << 20)) {
            spool.submit(commands("a", "b", "poison", "c"));
            assertThat(spool.awaitDrained(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(store.stored).containsExactly("a", "b", "c");
        assertThat(Files.size(dir.resolve("dead-letter.log"))).isPositive();
    }

    @Test
    void whileTheStoreIsDownItemsWaitOnDiskAndArriveInOrderWhenItReturns() throws Exception {
        FakeStore store = new FakeStore();
        store.down.set(true);
        try (EvidenceSpool spool = new EvidenceSpool(dir, store, 1 << 20)) {
            spool.submit(commands("1", "2"));
            Await.until("the spool noticed the outage", spool::failing);
            spool.submit(commands("3"));
            assertThat(Files.size(dir.resolve("journal.log"))).isPositive();
            store.down.set(false);
            assertThat(spool.awaitDrained(Duration.ofSeconds(60))).isTrue();
        }
        assertThat(store.stored).containsExactly("1", "2", "3");
    }

    @Test
    void uploadLagGrowsWhileTheStoreIsAwayAndIsZeroOnceEverythingIsDelivered() throws Exception {
        FakeStore store = new FakeStore();
        store.down.set(true);
        try (EvidenceSpool spool = new EvidenceSpool(dir, store, 1 << 20)) {
            assertThat(spool.uploadLag()).as("nothing waiting").isZero();
            spool.submit(commands("1"));
            Duration first = spool.uploadLag();
            Await.until("the outage happened and the upload lag grew while the store was away",
                    () -> spool.failing() && spool.uploadLag().compareTo(first) > 0);
            store.down.set(false);
            assertThat(spool.awaitDrained(Duration.ofSeconds(60))).isTrue();
            Await.until("the upload lag is zero once everything is delivered", () -> spool.uploadLag().isZero());
        }
    }

    @Test
    void anErrorWhileDeliveringDoesNotEndTheDeliveryThread() throws Exception {
        FakeStore store = new FakeStore();
        store.outOfMemory.set(true);
        try (EvidenceSpool spool = new EvidenceSpool(dir, store, 1 << 20)) {
            spool.submit(commands("1"));
            awaitFailing(spool);
            assertThat(spool.lastError()).contains("OutOfMemoryError");
            store.outOfMemory.set(false);
            spool.submit(commands("2"));
            assertThat(spool.awaitDrained(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(store.stored).containsExactly("1", "2");
    }

    @Test
    void whileTheDiskIsFullTheSpoolRefusesWithTheReasonKeepsItsItemsAndRecoversWhenItClears() throws Exception {
        FakeStore store = new FakeStore();
        store.down.set(true);
        Path log = dir.resolve("journal.log");
        // Every write to /dev/full fails with ENOSPC, as on a full disk.
        Files.createSymbolicLink(log, Path.of("/dev/full"));
        try (EvidenceSpool spool = new EvidenceSpool(dir, store, 1 << 20)) {
            spool.submit(commands("1"));
            awaitFailing(spool);
            Await.until("the spool refuses new sessions", () -> !spool.accepting());
            assertThat(spool.unavailable()).contains("cannot be written");
            spool.submit(commands("2"));

            Files.delete(log); // space again: the journal is a plain file once more
            Await.until("accepting once the disk can be written", spool::accepting);
            store.down.set(false);
            assertThat(spool.awaitDrained(Duration.ofSeconds(60))).isTrue();
            assertThat(spool.lost()).isZero();
        }
        assertThat(store.stored).containsExactly("1", "2");
    }

    private static void awaitFailing(EvidenceSpool spool) throws InterruptedException {
        Await.until("the spool noticed the failure", spool::failing);
    }

    /** A store that takes every batch, each after a pause; {@code hold} makes it take none until released. */
    private static final class SlowStore implements EvidenceStore {
        final List<String> stored = new ArrayList<>();
        final java.util.concurrent.CountDownLatch hold;

        SlowStore(boolean held) {
            hold = new java.util.concurrent.CountDownLatch(held ? 1 : 0);
        }

        @Override
        public void store(List<Evidence> batch) {
            try {
                hold.await(30, java.util.concurrent.TimeUnit.SECONDS);
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            synchronized (this) {
                batch.forEach(e -> stored.add(((Evidence.Command) e).line()));
            }
        }
    }

    @Test
    void aStoreThatKeepsUpSlowlyHoldsTheSubmitterBackInsteadOfSendingEverythingThroughTheJournal() throws Exception {
        SlowStore store = new SlowStore(false);
        List<String> lines = new ArrayList<>();
        long onDisk = 0;
        // Memory holds four items (512 bytes each by the spool's estimate); a hundred come, one at a time.
        try (EvidenceSpool spool = new EvidenceSpool(dir, store, 2048)) {
            for (int i = 0; i < 100; i++) {
                List<Evidence> item = List.of(new Evidence.Command("s", i, i, "line " + i, "test", false));
                lines.add("line " + i);
                spool.awaitRoom(item, Duration.ofSeconds(30));
                spool.submit(item);
                onDisk = Math.max(onDisk, spool.spooledBytes());
            }
            assertThat(spool.awaitDrained(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(store.stored).containsExactlyElementsOf(lines);
        assertThat(onDisk).as("bytes that went through the journal").isZero();
    }

    @Test
    void aStoreThatTakesNothingStopsTheWaitAfterTheStallTimeAndEvidenceGoesToDisk() throws Exception {
        SlowStore store = new SlowStore(true);
        try (EvidenceSpool spool = new EvidenceSpool(dir, store, 2048)) {
            spool.submit(commands("1", "2", "3", "4"));
            List<Evidence> more = commands("5", "6");
            spool.awaitRoom(more, Duration.ofMillis(200));
            spool.submit(more);
            assertThat(Files.size(dir.resolve("journal.log"))).as("spilled to the journal").isPositive();
            store.hold.countDown();
            assertThat(spool.awaitDrained(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(store.stored).containsSubsequence("1", "2", "3", "4", "5", "6");
    }

    private static List<Evidence> commands(String... lines) {
        List<Evidence> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            out.add(new Evidence.Command("s", i, i, lines[i], "test", false));
        }
        return out;
    }
}
