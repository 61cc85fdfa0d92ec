package dev.gatehouse.agent.enroll;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.agent.testbed.TestPki;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CertificateRenewerTest {

    private final TestPki ca = TestPki.create("renewal test CA");

    @Test
    void freshCertificateThenRenewedAtTwoThirdsOfItsLifetime() {
        Instant from = Instant.parse("2026-01-01T00:00:00Z");
        var cert = ca.agent("a", "lab", from, from.plus(Duration.ofHours(24))).certificate();
        assertThat(CertificateRenewer.renewalTime(cert, from.plusSeconds(5)))
                .isEqualTo(from.plus(Duration.ofHours(16)));
    }

    @Test
    void pastTwoThirdsThenSoonButNeverBackToBack() {
        Instant from = Instant.parse("2026-01-01T00:00:00Z");
        var cert = ca.agent("a", "lab", from, from.plus(Duration.ofHours(24))).certificate();
        Instant late = from.plus(Duration.ofHours(20));
        assertThat(CertificateRenewer.renewalTime(cert, late)).isEqualTo(late.plus(Duration.ofMinutes(1)));
        var backdated = ca.agent("b", "lab", from.minusSeconds(60), from.plusSeconds(6)).certificate();
        assertThat(CertificateRenewer.renewalTime(backdated, from)).isEqualTo(from.plusSeconds(3));
    }
}
