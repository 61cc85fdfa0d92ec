package dev.gatehouse.audit.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.recording.Evidence;
import dev.gatehouse.audit.recording.EvidenceStore;
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
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!spool.failing() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(spool.failing()).as("the spool noticed the outage").isTrue();
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
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!(spool.failing() && spool.uploadLag().compareTo(first) > 0) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(spool.failing()).as("the outage happened").isTrue();
            assertThat(spool.uploadLag()).as("grows while the store is away").isGreaterThan(first);
            store.down.set(false);
            assertThat(spool.awaitDrained(Duration.ofSeconds(60))).isTrue();
            deadline = System.nanoTime() + 30_000_000_000L;
            while (!spool.uploadLag().isZero() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(spool.uploadLag()).isZero();
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
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (spool.accepting() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(spool.unavailable()).contains("cannot be written");
            spool.submit(commands("2"));

            Files.delete(log); // space again: the journal is a plain file once more
            deadline = System.nanoTime() + 30_000_000_000L;
            while (!spool.accepting() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(spool.accepting()).as("accepting once the disk can be written: %s", spool.unavailable())
                    .isTrue();
            store.down.set(false);
            assertThat(spool.awaitDrained(Duration.ofSeconds(60))).isTrue();
            assertThat(spool.lost()).isZero();
        }
        assertThat(store.stored).containsExactly("1", "2");
    }

    private static void awaitFailing(EvidenceSpool spool) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!spool.failing() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(spool.failing()).as("the spool noticed the failure").isTrue();
    }

    private static List<Evidence> commands(String... lines) {
        List<Evidence> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            out.add(new Evidence.Command("s", i, i, lines[i], "test", false));
        }
        return out;
    }
}
