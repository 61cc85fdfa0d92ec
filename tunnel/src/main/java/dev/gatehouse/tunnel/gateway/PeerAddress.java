package dev.gatehouse.tunnel.gateway;

import java.net.SocketAddress;

/** A peer's address as logs and the agent list show it: {@code 192.0.2.7:51234}, {@code [2001:db8::7]:51234}. */
final class PeerAddress {

    private PeerAddress() {}

    /** The socket address without the '/' Java puts before an address it has no host name for. */
    static String of(SocketAddress address) {
        String text = String.valueOf(address);
        return text.startsWith("/") ? text.substring(1) : text;
    }
}
