package dev.gatehouse.sshproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class AuthFailureLimiterTest {

    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void sourceAddressIsBlockedAfterTooManyFailuresWhateverTheUserName() {
        AuthFailureLimiter limiter = new AuthFailureLimiter(3, Duration.ofMinutes(1), clock);
        for (int i = 0; i < 3; i++) {
            limiter.recordFailure("10.0.0.1", "user" + i);
        }

        assertThat(limiter.isBlocked("10.0.0.1", "someone-else")).isTrue();
        assertThat(limiter.isBlocked("10.0.0.2", "someone-else")).isFalse();
    }

    @Test
    void userNameIsBlockedAfterTooManyFailuresFromAnywhere() {
        AuthFailureLimiter limiter = new AuthFailureLimiter(3, Duration.ofMinutes(1), clock);
        for (int i = 0; i < 3; i++) {
            limiter.recordFailure("10.0.0." + i, "alice");
        }

        assertThat(limiter.isBlocked("10.9.9.9", "alice")).isTrue();
        assertThat(limiter.isBlocked("10.9.9.9", "bob")).isFalse();
    }

    @Test
    void blockLiftsOnceTheWindowHasPassed() {
        AuthFailureLimiter limiter = new AuthFailureLimiter(2, Duration.ofMinutes(1), clock);
        limiter.recordFailure("10.0.0.1", "alice");
        limiter.recordFailure("10.0.0.1", "alice");
        assertThat(limiter.isBlocked("10.0.0.1", "alice")).isTrue();

        now = now.plus(Duration.ofSeconds(61));

        assertThat(limiter.isBlocked("10.0.0.1", "alice")).isFalse();
    }
}
