package dev.gatehouse.sshproxy.access;

import java.util.Objects;

/** Where a granted port forward is dialled: an address inside a network. */
public record ForwardRoute(String network, HostAndPort address) {
    public ForwardRoute {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(address, "address");
    }
}
