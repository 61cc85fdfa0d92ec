package dev.gatehouse.sshproxy.proxyprotocol;

import java.net.InetSocketAddress;

/**
 * A PROXY protocol header read in front of a connection.
 *
 * @param client the original client's address; null for a {@code LOCAL} (v2) or {@code UNKNOWN} (v1) header, which a
 *         balancer sends for its own health checks: the connection's own peer address then stands
 * @param length the header's bytes, to be skipped before the SSH identification
 */
public record ProxyHeader(InetSocketAddress client, int length) {

    public ProxyHeader {
        if (length <= 0) {
            throw new IllegalArgumentException("length must be positive");
        }
    }
}
