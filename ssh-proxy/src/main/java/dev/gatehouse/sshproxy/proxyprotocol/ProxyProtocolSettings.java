package dev.gatehouse.sshproxy.proxyprotocol;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Whether the SSH port expects a PROXY protocol header (v1 or v2) from a TCP load balancer, and from whom.
 *
 * @param enabled {@code gatehouse.ssh.proxy-protocol}
 * @param trustedPeers {@code gatehouse.ssh.proxy-protocol-from}: a connection from these addresses must start with a
 *         header and is recorded under the client address it names; from anywhere else it is a direct client, and a
 *         header it sends is refused (it could otherwise claim any address)
 * @param headerTimeout {@code gatehouse.ssh.proxy-protocol-timeout}: a trusted peer that has not sent a complete
 *         header by then is disconnected
 */
public record ProxyProtocolSettings(boolean enabled, TrustedPeers trustedPeers, Duration headerTimeout) {

    /** The default range: the balancer runs on this machine (HAProxy beside the gateway, a sidecar). */
    public static final List<String> LOOPBACK = List.of("127.0.0.0/8", "::1/128");

    public ProxyProtocolSettings {
        Objects.requireNonNull(trustedPeers, "trustedPeers");
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        if (headerTimeout.isNegative() || headerTimeout.isZero()) {
            throw new IllegalArgumentException("gatehouse.ssh.proxy-protocol-timeout must be positive");
        }
    }

    /** No PROXY protocol: every connection's own peer is the client. */
    public static ProxyProtocolSettings disabled() {
        return new ProxyProtocolSettings(false, TrustedPeers.parse("gatehouse.ssh.proxy-protocol-from", LOOPBACK),
                Duration.ofSeconds(10));
    }

    /** Headers expected from {@code trustedPeers} (address ranges), within {@code headerTimeout}. */
    public static ProxyProtocolSettings from(List<String> trustedPeers, Duration headerTimeout) {
        return new ProxyProtocolSettings(true, TrustedPeers.parse("gatehouse.ssh.proxy-protocol-from", trustedPeers),
                headerTimeout);
    }
}
