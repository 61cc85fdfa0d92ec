package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.access.HostAndPort;
import dev.gatehouse.sshproxy.access.Target;
import java.util.Objects;
import java.util.Optional;

/**
 * One open port-forward flow on an incoming connection, as granted: re-checked when the person's access changes.
 *
 * @param via the target whose session carries it, when there is one
 * @param destination what the client asked for
 * @param end closes the flow's channel
 */
public record LiveForward(Optional<Target> via, HostAndPort destination, Runnable end) {
    public LiveForward {
        Objects.requireNonNull(via, "via");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(end, "end");
    }
}
