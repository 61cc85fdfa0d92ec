package dev.gatehouse.tunnel.gateway;

/**
 * What a tunnel listener counts, for a metrics registry (the control plane's Micrometer adapter). Levels that can be
 * read at any time (links, streams, bytes) are getters on {@link TunnelListener}; this seam gets the events.
 */
public interface TunnelMetrics {

    /** How a dial ended. */
    enum DialOutcome {
        OK, REFUSED_BY_AGENT, NO_AGENT, FAILED
    }

    /** Why a connection to the tunnel port was refused. */
    enum Refusal {
        /** TLS handshake failed for another reason than the two below. */
        TLS,
        /** The agent's certificate has expired (the handshake fails). */
        EXPIRED,
        /** The agent's certificate is not from an agent CA this node trusts (the handshake fails). */
        UNTRUSTED,
        /** The certificate does not name an agent ({@code CN=<agent>@<network>}). */
        IDENTITY,
        /** The registry refuses the certificate: revoked, or replaced by a newer one. */
        NOT_ADMITTED,
        /** A tunnel without a client certificate. */
        NO_CERTIFICATE
    }

    /** An agent's link passed every check and is in use. */
    void linkAccepted();

    void linkRefused(Refusal reason);

    void dialed(DialOutcome outcome);

    /** Counts nothing. */
    TunnelMetrics NONE = new TunnelMetrics() {
        @Override
        public void linkAccepted() {
        }

        @Override
        public void linkRefused(Refusal reason) {
        }

        @Override
        public void dialed(DialOutcome outcome) {
        }
    };
}
