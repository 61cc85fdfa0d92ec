package dev.gatehouse.sshproxy.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedPeersTest {

    private static final String SETTING = "gatehouse.ssh.proxy-protocol-from";

    @Test
    void containsWhenWithinARangeOfItsFamily() throws Exception {
        TrustedPeers peers = TrustedPeers.parse(SETTING, List.of("10.1.0.0/16", "192.0.2.7", "fd00::/8", "0.0.0.0/0"
                .replace("0.0.0.0/0", "198.51.100.128/25")));
        assertThat(peers.contains(InetAddress.getByName("10.1.200.3"))).isTrue();
        assertThat(peers.contains(InetAddress.getByName("10.2.0.1"))).isFalse();
        assertThat(peers.contains(InetAddress.getByName("192.0.2.7"))).isTrue();
        assertThat(peers.contains(InetAddress.getByName("192.0.2.8"))).isFalse();
        assertThat(peers.contains(InetAddress.getByName("fd12::1"))).isTrue();
        assertThat(peers.contains(InetAddress.getByName("fe80::1"))).isFalse();
        assertThat(peers.contains(InetAddress.getByName("198.51.100.200"))).isTrue();
        assertThat(peers.contains(InetAddress.getByName("198.51.100.127"))).isFalse();
    }

    @Test
    void theDefaultTrustsLoopbackOnly() throws Exception {
        TrustedPeers peers = TrustedPeers.parse(SETTING, ProxyProtocolSettings.LOOPBACK);
        assertThat(peers.contains(InetAddress.getByName("127.0.0.9"))).isTrue();
        assertThat(peers.contains(InetAddress.getByName("::1"))).isTrue();
        assertThat(peers.contains(InetAddress.getByName("10.0.0.1"))).isFalse();
    }

    @Test
    void whenMalformedThenRefusedNamingTheSetting() {
        for (String bad : List.of("balancer.example.com", "10.0.0.0/33", "10.0.0/8", "10.0.0.0/-1", "::1/129", "",
                "10.0.0.1/24")) {
            assertThatThrownBy(() -> TrustedPeers.parse(SETTING, List.of(bad)), bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(SETTING + ": '" + bad + "'");
        }
    }
}
