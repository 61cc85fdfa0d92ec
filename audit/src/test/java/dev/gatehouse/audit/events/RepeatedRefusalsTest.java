package dev.gatehouse.audit.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import dev.gatehouse.testkit.SettableClock;
import org.junit.jupiter.api.Test;

class RepeatedRefusalsTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<RepeatedRefusals.Summary> summaries = new ArrayList<>();

    @Test
    void aFloodFromOneSourceIsOneFullRecordThenOneSummaryPerInterval() {
        RepeatedRefusals refusals = new RepeatedRefusals(Duration.ofMinutes(1), 100, clock, summaries::add);
        int recorded = 0;
        for (int i = 0; i < 1000; i++) {
            clock.advance(Duration.ofMillis(10));
            recorded += refusals.first("203.0.113.7") ? 1 : 0;
        }
        assertThat(recorded).isEqualTo(1);
        assertThat(summaries).isEmpty();

        clock.advance(Duration.ofMinutes(1));
        refusals.flush(false);

        assertThat(summaries).singleElement().satisfies(summary -> {
            assertThat(summary.source()).isEqualTo("203.0.113.7");
            assertThat(summary.count()).isEqualTo(999);
            assertThat(summary.first()).isEqualTo(Instant.parse("2026-01-01T00:00:00.020Z"));
            assertThat(summary.last()).isEqualTo(Instant.parse("2026-01-01T00:00:10Z"));
        });
        assertThat(refusals.first("203.0.113.7")).as("a new interval starts with a full record").isTrue();
    }

    @Test
    void aSingleRefusalLeavesNoSummary() {
        RepeatedRefusals refusals = new RepeatedRefusals(Duration.ofMinutes(1), 100, clock, summaries::add);
        assertThat(refusals.first("203.0.113.7")).isTrue();
        assertThat(refusals.first("203.0.113.8")).isTrue();

        refusals.close();

        assertThat(summaries).isEmpty();
        assertThat(refusals.tracked()).isZero();
    }

    @Test
    void manySourcesStayWithinTheBoundByHandingOverTheOldestEarly() {
        RepeatedRefusals refusals = new RepeatedRefusals(Duration.ofMinutes(1), 10, clock, summaries::add);
        for (int i = 0; i < 10_000; i++) {
            refusals.first("198.51.100." + i);
            refusals.first("198.51.100." + i);
        }

        assertThat(refusals.tracked()).isEqualTo(10);
        assertThat(summaries).hasSize(9_990).allMatch(summary -> summary.count() == 1);
    }
}
