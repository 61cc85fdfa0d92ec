package dev.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

    @Test
    void untilWhenConditionHoldsAfterSomePollsThenReturns() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        Await.until("the third poll", Duration.ofSeconds(10), () -> polls.incrementAndGet() >= 3);
        assertThat(polls).hasValue(3);
    }

    @Test
    void untilWhenConditionNeverHoldsThenFailsNamingIt() {
        assertThatThrownBy(() -> Await.until("the moon is cheese", Duration.ofMillis(120), () -> false))
                .isInstanceOf(AssertionError.class).hasMessage("not within 0 s: the moon is cheese");
    }

    @Test
    void valueWhenProbeGivesOneThenReturnsIt() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        assertThat(Await.value("a value", Duration.ofSeconds(10), () -> polls.incrementAndGet() == 2 ? "two" : null))
                .isEqualTo("two");
    }
}
