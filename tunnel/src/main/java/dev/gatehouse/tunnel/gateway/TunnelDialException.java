package dev.gatehouse.tunnel.gateway;

import java.io.IOException;

/** A dial through a tunnel failed; the message names the network, the target and the reason. */
public final class TunnelDialException extends IOException {

    private final boolean linkLost;

    public TunnelDialException(String message, boolean linkLost) {
        super(message);
        this.linkLost = linkLost;
    }

    /** True when the agent link broke before the agent answered, so another agent may be tried. */
    public boolean linkLost() {
        return linkLost;
    }
}
