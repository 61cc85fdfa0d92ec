package dev.gatehouse.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private Backoff backoff() {
        return new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), now::get);
    }

    private void elapse(Duration time) {
        now.addAndGet(time.toNanos());
    }

    @Test
    void retriesThenDelaysGrowJitteredAndCapAtMaximum() {
        Backoff backoff = backoff();
        for (int attempt = 0; attempt < 12; attempt++) {
            long ceiling = Math.min(30_000, 500L << attempt);
            long delay = backoff.next().toMillis();
            assertThat(delay).as("attempt %d", attempt).isBetween(ceiling / 2, ceiling);
        }
    }

    @Test
    void manyAgentsThenDelaysSpreadOut() {
        long spread = spreadAcross200Agents(backoff -> {
            for (int i = 0; i < 10; i++) {
                backoff.next();
            }
        });
        assertThat(spread).as("spread of capped delays across agents").isGreaterThan(5_000);
    }

    /** Max minus min of the next delay of 200 backoffs, each brought to the same state by {@code prepare}. */
    private long spreadAcross200Agents(Consumer<Backoff> prepare) {
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int agent = 0; agent < 200; agent++) {
            Backoff backoff = backoff();
            prepare.accept(backoff);
            long delay = backoff.next().toMillis();
            min = Math.min(min, delay);
            max = Math.max(max, delay);
        }
        return max - min;
    }

    @Test
    void steadyLinkLostThenFirstRetryQuickAndLaterOnesGrowFromInitial() {
        Backoff backoff = backoff();
        for (int i = 0; i < 8; i++) {
            backoff.next();
        }
        backoff.reset();
        elapse(Duration.ofSeconds(5));
        assertThat(backoff.next().toMillis()).as("first retry after a steady link").isBetween(0L, 100L);
        for (int attempt = 0; attempt < 4; attempt++) {
            long ceiling = 500L << attempt;
            assertThat(backoff.next().toMillis()).as("failure %d after it", attempt).isBetween(ceiling / 2, ceiling);
        }
    }

    @Test
    void linkLostWithinASecondOfAdmissionThenNoQuickRetry() {
        Backoff backoff = backoff();
        backoff.reset();
        elapse(Duration.ofMillis(300));
        assertThat(backoff.next().toMillis()).isBetween(250L, 500L);
    }

    @Test
    void repeatedNodeListsThenSteadinessCountsFromTheFirst() {
        Backoff backoff = backoff();
        backoff.reset();
        elapse(Duration.ofMillis(900));
        backoff.reset();
        elapse(Duration.ofMillis(200));
        assertThat(backoff.next().toMillis()).isLessThanOrEqualTo(100);
    }

    @Test
    void quickRetriesThenManyAgentsStillSpreadOverTheWindow() {
        long spread = spreadAcross200Agents(backoff -> {
            backoff.reset();
            elapse(Duration.ofSeconds(2));
        });
        assertThat(spread).as("spread of quick retries across agents").isGreaterThan(50);
    }
}
