package dev.gatehouse.sshproxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.sshproxy.dial.DirectDialer;
import dev.gatehouse.sshproxy.fixture.StaticAccessDecider;
import dev.gatehouse.sshproxy.fixture.TestCertificateAuthority;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UpstreamConnectorTest {

    @Test
    void targetsAreOfferedCurve25519FirstAndStillThePostQuantumExchange() {
        UpstreamConnector connector = new UpstreamConnector(new TestCertificateAuthority(), new StaticAccessDecider(),
                new DirectDialer(), Duration.ofSeconds(4));

        assertThat(connector.keyExchanges().get(0)).isEqualTo("curve25519-sha256");
        assertThat(connector.keyExchanges()).anyMatch(name -> name.startsWith("sntrup761"));
    }
}
