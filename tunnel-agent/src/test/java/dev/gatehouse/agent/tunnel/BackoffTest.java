package dev.gatehouse.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void retriesThenDelaysGrowJitteredAndCapAtMaximum() {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
        for (int attempt = 0; attempt < 12; attempt++) {
            long ceiling = Math.min(30_000, 500L << attempt);
            long delay = backoff.next().toMillis();
            assertThat(delay).as("attempt %d", attempt).isBetween(ceiling / 2, ceiling);
        }
    }

    @Test
    void manyAgentsThenDelaysSpreadOut() {
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int agent = 0; agent < 200; agent++) {
            Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
            for (int i = 0; i < 10; i++) {
                backoff.next();
            }
            long delay = backoff.next().toMillis();
            min = Math.min(min, delay);
            max = Math.max(max, delay);
        }
        assertThat(max - min).as("spread of capped delays across agents").isGreaterThan(5_000);
    }

    @Test
    void successThenStartsAgainFromInitial() {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
        for (int i = 0; i < 8; i++) {
            backoff.next();
        }
        backoff.reset();
        assertThat(backoff.next().toMillis()).isLessThanOrEqualTo(500);
    }
}
