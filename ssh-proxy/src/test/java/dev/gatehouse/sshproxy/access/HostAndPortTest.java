package dev.gatehouse.sshproxy.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostAndPortTest {

    @Test
    void parsesNamesAndBracketedIpv6() {
        assertThat(HostAndPort.parse("db.internal:5432")).isEqualTo(new HostAndPort("db.internal", 5432));
        assertThat(HostAndPort.parse("[::1]:22")).isEqualTo(new HostAndPort("::1", 22));
        assertThat(new HostAndPort("::1", 22)).hasToString("[::1]:22");
    }

    @Test
    void refusesAddressesWithoutAUsablePort() {
        assertThatThrownBy(() -> HostAndPort.parse("db.internal")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> HostAndPort.parse("db:x")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> HostAndPort.parse("db:0")).hasMessageContaining("1..65535");
    }
}
