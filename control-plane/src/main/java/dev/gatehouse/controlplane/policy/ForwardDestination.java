package dev.gatehouse.controlplane.policy;

import java.net.InetAddress;
import java.util.Objects;

/**
 * Where a forward goes, as the policy checks it: the {@code name} the client sent, the {@code address} it resolved to
 * (the one that will be dialled; null when the network's agent resolves it), and the {@code reserved} range that
 * address falls in (loopback, link-local, the gateway's own...; null when none), which only a CIDR grant inside that
 * range opens.
 */
public record ForwardDestination(String name, InetAddress address, Cidr reserved) {

    public ForwardDestination {
        Objects.requireNonNull(name, "name");
        if (reserved != null && (address == null || !reserved.contains(address))) {
            throw new IllegalArgumentException("reserved range " + reserved + " must contain " + address);
        }
    }

    /** A destination not resolved here: its address only when the client sent a literal one. */
    public static ForwardDestination unresolved(String name) {
        return new ForwardDestination(name, Cidr.literal(name), null);
    }

    /** {@code name}, with {@code (address)} when the client sent a name. */
    public String describe() {
        return address == null || address.getHostAddress().equals(name) ? name
                : name + " (" + address.getHostAddress() + ")";
    }
}
