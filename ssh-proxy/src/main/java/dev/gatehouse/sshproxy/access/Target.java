package dev.gatehouse.sshproxy.access;

import java.security.PublicKey;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A host a person may log in to, as granted for one login.
 *
 * @param name the host's name in the inventory ({@code web-01})
 * @param address where its sshd listens, seen from inside its network
 * @param network {@code direct} or the name of an agent network
 * @param pinnedHostKey the host key recorded for it; empty until first contact
 * @param maxSessionLength the longest a session may last under the granting role
 * @param forwarding what the granting roles let the person forward inside the session
 */
public record Target(String name, HostAndPort address, String network, Optional<PublicKey> pinnedHostKey,
                     Duration maxSessionLength, Forwarding forwarding) {

    public static final String DIRECT_NETWORK = "direct";

    public Target {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(pinnedHostKey, "pinnedHostKey");
        Objects.requireNonNull(maxSessionLength, "maxSessionLength");
        Objects.requireNonNull(forwarding, "forwarding");
        if (maxSessionLength.isNegative() || maxSessionLength.isZero()) {
            throw new IllegalArgumentException("maxSessionLength must be positive");
        }
    }

    /** A grant that allows no forwarding inside the session. */
    public Target(String name, HostAndPort address, String network, Optional<PublicKey> pinnedHostKey,
                  Duration maxSessionLength) {
        this(name, address, network, pinnedHostKey, maxSessionLength, Forwarding.NONE);
    }
}
