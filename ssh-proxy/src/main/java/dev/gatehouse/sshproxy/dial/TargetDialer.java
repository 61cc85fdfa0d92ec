package dev.gatehouse.sshproxy.dial;

import dev.gatehouse.sshproxy.access.HostAndPort;
import java.io.IOException;
import java.time.Duration;

/** Opens a byte stream to an address inside a network ({@code direct}, or an agent network through its tunnel). */
public interface TargetDialer {

    /** Connects within {@code timeout}; the failure message names the destination and says why. */
    DialedConnection dial(String network, HostAndPort address, Duration timeout) throws IOException;
}
