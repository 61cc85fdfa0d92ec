package dev.gatehouse.sshproxy.dial;

import dev.gatehouse.sshproxy.access.HostAndPort;
import dev.gatehouse.sshproxy.access.Target;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/** The bastion's dialer: {@code direct} hosts from the gateway itself, every other network through its agents. */
public final class NetworkRoutingDialer implements TargetDialer {

    private final TargetDialer direct;
    private final TargetDialer tunnels;

    public NetworkRoutingDialer(TargetDialer direct, TargetDialer tunnels) {
        this.direct = Objects.requireNonNull(direct, "direct");
        this.tunnels = Objects.requireNonNull(tunnels, "tunnels");
    }

    @Override
    public DialedConnection dial(String network, HostAndPort address, Duration timeout) throws IOException {
        return Target.DIRECT_NETWORK.equals(network) ? direct.dial(network, address, timeout)
                : tunnels.dial(network, address, timeout);
    }
}
