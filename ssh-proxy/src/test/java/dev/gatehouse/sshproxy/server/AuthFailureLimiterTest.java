package dev.gatehouse.sshproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import dev.gatehouse.testkit.SettableClock;
import org.junit.jupiter.api.Test;

class AuthFailureLimiterTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private AuthFailureLimiter limiter(int perAddress, int perAddressAndUser, int tracked) {
        return new AuthFailureLimiter(new BastionConfig.AuthLimits(perAddress, perAddressAndUser, Duration.ofMinutes(1),
                tracked, 20, 200, Duration.ofMinutes(1)), clock);
    }

    @Test
    void sourceAddressIsBlockedAfterTooManyFailuresWhateverTheUserName() {
        AuthFailureLimiter limiter = limiter(3, 3, 100);
        for (int i = 0; i < 3; i++) {
            limiter.recordFailure("10.0.0.1", "user" + i);
        }

        assertThat(limiter.isBlocked("10.0.0.1", "someone-else")).isTrue();
        assertThat(limiter.isBlocked("10.0.0.2", "someone-else")).isFalse();
    }

    @Test
    void failuresForAUserFromOneAddressDoNotBlockThatUserFromAnother() {
        AuthFailureLimiter limiter = limiter(100, 3, 100);
        for (int i = 0; i < 30; i++) {
            limiter.recordFailure("10.0.0.1", "alice");
        }

        assertThat(limiter.isBlocked("10.0.0.1", "alice")).isTrue();
        assertThat(limiter.isBlocked("10.0.0.1", "bob")).isFalse();
        assertThat(limiter.isBlocked("10.9.9.9", "alice")).isFalse();
    }

    @Test
    void tenThousandRandomUserNamesDoNotGrowTheLimiterPastItsBound() {
        AuthFailureLimiter limiter = limiter(1_000, 3, 500);
        for (int i = 0; i < 10_000; i++) {
            limiter.recordFailure("10.0.0." + (i % 7), java.util.UUID.randomUUID() + "x".repeat(1000));
        }

        assertThat(limiter.tracked()).isLessThanOrEqualTo(500);
        // The addresses' own counters survive the churn (each failure refreshes them): ~1,400 failures each.
        assertThat(limiter.isBlocked("10.0.0.1", "anyone")).isTrue();
    }

    @Test
    void blockLiftsOnceTheWindowHasPassed() {
        AuthFailureLimiter limiter = limiter(10, 2, 100);
        limiter.recordFailure("10.0.0.1", "alice");
        limiter.recordFailure("10.0.0.1", "alice");
        assertThat(limiter.isBlocked("10.0.0.1", "alice")).isTrue();

        clock.advance(Duration.ofSeconds(61));

        assertThat(limiter.isBlocked("10.0.0.1", "alice")).isFalse();
    }
}
