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
 * @param detachedFor how long a shell or command whose client connection was lost is kept for re-attach; zero: not
 */
public record Target(String name, HostAndPort address, String network, Optional<PublicKey> pinnedHostKey,
                     Duration maxSessionLength, Forwarding forwarding, Duration detachedFor) {

    public static final String DIRECT_NETWORK = "direct";

    public Target {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(pinnedHostKey, "pinnedHostKey");
        Objects.requireNonNull(maxSessionLength, "maxSessionLength");
        Objects.requireNonNull(forwarding, "forwarding");
        Objects.requireNonNull(detachedFor, "detachedFor");
        if (detachedFor.isNegative()) {
            throw new IllegalArgumentException("detachedFor must not be negative");
        }
        if (maxSessionLength.isNegative() || maxSessionLength.isZero()) {
            throw new IllegalArgumentException("maxSessionLength must be positive");
        }
    }

    /** A grant whose sessions end with their client connection (no re-attach). */
    public Target(String name, HostAndPort address, String network, Optional<PublicKey> pinnedHostKey,
                  Duration maxSessionLength, Forwarding forwarding) {
        this(name, address, network, pinnedHostKey, maxSessionLength, forwarding, Duration.ZERO);
    }

    /** A grant that allows no forwarding inside the session. */
    public Target(String name, HostAndPort address, String network, Optional<PublicKey> pinnedHostKey,
                  Duration maxSessionLength) {
        this(name, address, network, pinnedHostKey, maxSessionLength, Forwarding.NONE);
    }
}
