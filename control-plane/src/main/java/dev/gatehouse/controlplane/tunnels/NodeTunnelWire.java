package dev.gatehouse.controlplane.tunnels;

import dev.gatehouse.tunnel.gateway.AgentStatus;
import dev.gatehouse.tunnel.protocol.AgentIdentity;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;

/**
 * What a bastion node's tunnel port asks the control plane on the node port: a server certificate for its names, the
 * live nodes (which it passes on to agents), whether an agent's certificate is admitted, agent link status, and agent
 * joins and renewals it relays. The node never signs and never touches the database.
 */
public final class NodeTunnelWire {

    private NodeTunnelWire() {}

    public static final String PREFIX = "/node/v1/tunnel/";
    public static final String CERTIFICATE = PREFIX + "certificate";
    public static final String NODES = PREFIX + "nodes";
    public static final String LEAVE = PREFIX + "leave";
    public static final String REFUSALS = PREFIX + "refusals";
    public static final String REPORT = PREFIX + "report";
    public static final String JOIN = PREFIX + "join";
    public static final String RENEW = PREFIX + "renew";

    /** At most this many names in a node's tunnel server certificate. */
    public static final int MAX_NAMES = 16;

    /** A CSR (PEM) for the node's tunnel port, certified for {@code names} (host names agents dial it by). */
    public record ServerCertificate(String csr, List<String> names) {}

    /** The node's tunnel address (host:port agents reach it at); the answer lists the live nodes. */
    public record Beat(String tunnelAddress) {}

    public record Node(String id, String tunnelAddress) {}

    /** An agent's certificate as a link presented it; {@code reason} is set in answers for refused ones. */
    public record Link(String network, String name, String serial, String reason) {

        public static Link of(AgentIdentity agent, BigInteger serial) {
            return new Link(agent.network(), agent.agentId(), serial.toString(16), null);
        }

        public AgentIdentity agent() {
            return new AgentIdentity(network, name);
        }

        public BigInteger serialNumber() {
            return new BigInteger(serial, 16);
        }
    }

    /**
     * {@code admitting}: a new link (its certificate must be the agent's current one) rather than live links (cut
     * only when the agent is no longer enrolled). The answer holds the refused links with their reason.
     */
    public record Links(List<Link> links, boolean admitting) {}

    /** One link's state on the calling node (the node is the caller, never a field). */
    public record Status(String network, String name, boolean connected, String version, String remoteAddress,
            int openStreams, long bytesIn, long bytesOut, long lastSeenMillis) {

        public static Status of(AgentStatus status) {
            return new Status(status.agent().network(), status.agent().agentId(), status.connected(),
                    status.version(), status.remoteAddress(), status.openStreams(), status.bytesIn(),
                    status.bytesOut(), status.lastSeen() == null ? 0 : status.lastSeen().toEpochMilli());
        }

        public AgentStatus on(String node) {
            return new AgentStatus(new AgentIdentity(network, name), node, connected, version, remoteAddress,
                    openStreams, bytesIn, bytesOut, lastSeenMillis == 0 ? null : Instant.ofEpochMilli(lastSeenMillis));
        }
    }

    /** An agent's join relayed by a node: the one-time token, and the CSR as base64 DER. */
    public record Join(String token, String network, String name, String csr) {}

    /** A renewal relayed by a node for the agent that authenticated to it with certificate {@code serial}. */
    public record Renew(String network, String name, String serial, String csr) {}
}
