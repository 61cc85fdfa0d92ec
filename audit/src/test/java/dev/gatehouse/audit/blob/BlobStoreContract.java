package dev.gatehouse.audit.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What every blob store must do; each implementation's test extends this and supplies a fresh store. */
abstract class BlobStoreContract {

    /** An empty store. */
    abstract BlobStore store();

    @Test
    void putThenGetReturnsTheSameBytes() {
        BlobStore s = store();
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        s.put("sessions/a/00000000.cast", data);
        assertThat(s.get("sessions/a/00000000.cast")).hasValueSatisfying(b -> assertThat(b).isEqualTo(data));
    }

    @Test
    void getOfAnAbsentKeyIsEmpty() {
        assertThat(store().get("sessions/none/00000000.cast")).isEmpty();
    }

    @Test
    void listReturnsKeysUnderThePrefixSorted() {
        BlobStore s = store();
        s.put("sessions/b/00000001.cast", bytes("1"));
        s.put("sessions/b/00000000.cast", bytes("0"));
        s.put("sessions/bb/00000000.cast", bytes("x"));
        s.put("sessions/c/00000000.cast", bytes("c"));
        assertThat(s.list("sessions/b/")).containsExactly("sessions/b/00000000.cast", "sessions/b/00000001.cast");
        assertThat(s.list("sessions/")).hasSize(4);
    }

    @Test
    void blobsAreImmutableButAnIdenticalPutIsAccepted() {
        BlobStore s = store();
        s.put("sessions/d/00000000.cast", bytes("first"));
        s.put("sessions/d/00000000.cast", bytes("first"));
        assertThatThrownBy(() -> s.put("sessions/d/00000000.cast", bytes("second")))
                .isInstanceOf(BlobStoreException.class).hasMessageContaining("immutable");
        assertThat(s.get("sessions/d/00000000.cast")).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("first")));
    }

    @Test
    void putAllStoresEveryBlobAcceptsIdenticalOnesAgainAndRefusesOtherContentWithoutReplacing() {
        BlobStore s = store();
        s.put("sessions/e/00000001.cast", bytes("one"));
        s.putAll(List.of(Map.entry("sessions/e/00000000.cast", bytes("zero")),
                Map.entry("sessions/e/00000001.cast", bytes("one")),
                Map.entry("sessions/f/00000000.cast", bytes("f0"))));
        assertThat(s.list("sessions/")).containsExactly("sessions/e/00000000.cast", "sessions/e/00000001.cast",
                "sessions/f/00000000.cast");
        assertThat(s.get("sessions/e/00000000.cast")).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("zero")));
        assertThatThrownBy(() -> s.putAll(List.of(Map.entry("sessions/e/00000002.cast", bytes("two")),
                Map.entry("sessions/e/00000001.cast", bytes("not one")))))
                .isInstanceOf(BlobStoreException.class).hasMessageContaining("immutable");
        assertThat(s.get("sessions/e/00000001.cast")).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("one")));
    }

    @Test
    void racingPutsOfOneKeyLeaveExactlyOneWinnerAndNeverReplaceIt() throws Exception {
        BlobStore s = store();
        int writers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            for (int round = 0; round < 25; round++) {
                int r = round;
                String key = "anchors/race/" + r + ".json";
                CyclicBarrier start = new CyclicBarrier(writers);
                List<Future<Boolean>> puts = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    byte[] mine = bytes("writer " + w + " of round " + r);
                    puts.add(pool.submit(() -> {
                        start.await();
                        try {
                            s.put(key, mine);
                            return true;
                        } catch (BlobStoreException e) {
                            return false;
                        }
                    }));
                }
                List<Integer> winners = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    if (puts.get(w).get(30, TimeUnit.SECONDS)) {
                        winners.add(w);
                    }
                }
                assertThat(winners).as("writers whose put of %s succeeded", key).hasSize(1);
                assertThat(s.get(key)).hasValueSatisfying(b -> assertThat(b)
                        .isEqualTo(bytes("writer " + winners.getFirst() + " of round " + r)));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deleteRemovesAndDeletingAnAbsentKeyIsFine() {
        BlobStore s = store();
        s.put("sessions/e/00000000.cast", bytes("e"));
        s.delete("sessions/e/00000000.cast");
        s.delete("sessions/e/00000000.cast");
        assertThat(s.get("sessions/e/00000000.cast")).isEmpty();
        assertThat(s.list("sessions/e/")).isEmpty();
    }

    @Test
    void keysThatCouldEscapeOrAreMalformedAreRefusedWithTheReason() {
        BlobStore s = store();
        for (String bad : new String[] {"../etc/passwd", "sessions/../../x", "/abs", "a//b", "sp ace", "", "a/./b"}) {
            assertThatThrownBy(() -> s.put(bad, bytes("x"))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("blob key");
        }
    }

    @Test
    void emptyBlobRoundTrips() {
        BlobStore s = store();
        s.put("sessions/f/00000000.cast", new byte[0]);
        assertThat(s.get("sessions/f/00000000.cast")).hasValueSatisfying(b -> assertThat(b).isEmpty());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
