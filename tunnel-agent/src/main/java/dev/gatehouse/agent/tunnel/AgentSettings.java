package dev.gatehouse.agent.tunnel;

import dev.gatehouse.agent.config.AllowList;
import java.time.Duration;
import java.util.Objects;

/**
 * Runtime settings of the agent's tunnels, validated at construction.
 *
 * @param allowList         what the gateway may reach
 * @param pingInterval      HTTP/2 PING after this much quiet
 * @param linkTimeout       a link that sent nothing for this long is dead
 * @param resumeGrace       how long a stream waits for its broken link to come back
 * @param maxUnacknowledged bytes per stream kept for retransmission
 * @param connectTimeout    TCP connect timeout for targets and gateways
 * @param initialBackoff    first reconnect delay
 * @param maxBackoff        reconnect delay cap
 */
public record AgentSettings(AllowList allowList, Duration pingInterval, Duration linkTimeout, Duration resumeGrace,
        long maxUnacknowledged, Duration connectTimeout, Duration initialBackoff, Duration maxBackoff) {

    public AgentSettings {
        Objects.requireNonNull(allowList, "allowList");
        if (linkTimeout.compareTo(pingInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("link-timeout must be at least twice ping-interval");
        }
        if (maxUnacknowledged < (256 << 10)) {
            throw new IllegalArgumentException("max-unacknowledged must be at least 256 KiB");
        }
        if (maxBackoff.compareTo(initialBackoff) < 0 || initialBackoff.isZero() || initialBackoff.isNegative()) {
            throw new IllegalArgumentException("backoff: need 0 < initial <= max");
        }
    }

    /** Defaults: PING after 10 s, link dead after 30 s, 30 s resume grace, 8 MiB replay, backoff 0.5 s to 30 s. */
    public static AgentSettings defaults(AllowList allowList) {
        return new AgentSettings(allowList, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30),
                8L << 20, Duration.ofSeconds(10), Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    public AgentSettings withLiveness(Duration ping, Duration timeout) {
        return new AgentSettings(allowList, ping, timeout, resumeGrace, maxUnacknowledged, connectTimeout,
                initialBackoff, maxBackoff);
    }

    public AgentSettings withBackoff(Duration initial, Duration max) {
        return new AgentSettings(allowList, pingInterval, linkTimeout, resumeGrace, maxUnacknowledged,
                connectTimeout, initial, max);
    }
}
