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

        @Override
        public synchronized void store(List<Evidence> batch) {
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
            spool.submit(commands("3"));
            assertThat(Files.size(dir.resolve("journal.log"))).isPositive();
            store.down.set(false);
            assertThat(spool.awaitDrained(Duration.ofSeconds(60))).isTrue();
        }
        assertThat(store.stored).containsExactly("1", "2", "3");
    }

    private static List<Evidence> commands(String... lines) {
        List<Evidence> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            out.add(new Evidence.Command("s", i, i, lines[i], "test", false));
        }
        return out;
    }
}
