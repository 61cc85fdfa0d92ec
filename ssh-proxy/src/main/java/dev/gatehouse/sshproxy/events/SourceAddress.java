package dev.gatehouse.sshproxy.events;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** A client's address as events carry it: {@code 192.0.2.7:51234} or {@code [2001:db8::7]:51234}. */
public final class SourceAddress {

    private SourceAddress() {}

    /** {@code host:port} from the socket address (its {@code toString()} would add a leading '/'). */
    public static String of(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
