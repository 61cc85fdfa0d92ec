package dev.gatehouse.tunnel.gateway;

import java.io.IOException;

/** A dial through a tunnel failed; the message names the network, the target and the reason. */
public final class TunnelDialException extends IOException {

    private final boolean linkLost;
    private final boolean refusedByAgent;

    public TunnelDialException(String message, boolean linkLost) {
        this(message, linkLost, false);
    }

    /** {@code refusedByAgent}: the agent answered and said no (allow-list, target unreachable, bad request). */
    public TunnelDialException(String message, boolean linkLost, boolean refusedByAgent) {
        super(message);
        this.linkLost = linkLost;
        this.refusedByAgent = refusedByAgent;
    }

    /** True when the agent link broke before the agent answered, so another agent may be tried. */
    public boolean linkLost() {
        return linkLost;
    }

    public boolean refusedByAgent() {
        return refusedByAgent;
    }
}
