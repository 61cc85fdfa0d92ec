package dev.gatehouse.sshproxy.forward;

import dev.gatehouse.sshproxy.dial.DialedConnection;
import java.io.IOException;

/**
 * The far side of a relayed TCP channel ({@link ForwardChannel}): decided and opened off the I/O thread, told when the
 * channel ends so the flow is recorded.
 */
interface ChannelEndpoint {

    /** Opens the far side for a channel to {@code host:port}; {@link ForwardRefusedException} says why not. */
    DialedConnection open(ForwardChannel channel, String host, int port, String originator) throws IOException;

    void closed(ForwardChannel channel, long bytesToDestination, long bytesFromDestination);
}
