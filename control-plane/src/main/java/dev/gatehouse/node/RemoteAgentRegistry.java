package dev.gatehouse.node;

import dev.gatehouse.controlplane.nodes.NodeWire;
import dev.gatehouse.controlplane.tunnels.NodeTunnelWire;
import dev.gatehouse.controlplane.tunnels.NodeTunnelWire.Link;
import dev.gatehouse.pki.x509.Pem;
import dev.gatehouse.tunnel.gateway.AgentCertificate;
import dev.gatehouse.tunnel.gateway.AgentEnrollment;
import dev.gatehouse.tunnel.gateway.AgentRegistry;
import dev.gatehouse.tunnel.gateway.AgentStatus;
import dev.gatehouse.tunnel.gateway.EnrollmentException;
import dev.gatehouse.tunnel.gateway.JoinRequest;
import dev.gatehouse.tunnel.protocol.AgentIdentity;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * A bastion node's tunnel port asks the control plane who may link and relays joins and renewals to it: the node
 * checks an agent's TLS certificate against the CA itself, but admission (revocation, the current serial) and
 * signing stay with the control plane.
 */
final class RemoteAgentRegistry implements AgentRegistry, AgentEnrollment {

    private static final Logger log = LoggerFactory.getLogger(RemoteAgentRegistry.class);

    private final ControlPlaneClient client;
    private final JsonMapper json = JsonMapper.builder().build();

    RemoteAgentRegistry(ControlPlaneClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** Refused while the control plane cannot say: a new link is admitted only on its word. */
    @Override
    public Optional<String> refusal(AgentIdentity agent, BigInteger certificateSerial) {
        try {
            List<Link> refused = client.call(NodeTunnelWire.REFUSALS, new NodeTunnelWire.Links(
                    List.of(Link.of(agent, certificateSerial)), true), NodeTunnelWire.Links.class).links();
            return refused.isEmpty() ? Optional.empty() : Optional.of(refused.getFirst().reason());
        } catch (ControlPlaneClient.Unavailable e) {
            return Optional.of("the gateway cannot check this agent now (control plane unavailable); try again");
        }
    }

    /** Live links stay up while the control plane cannot be asked: they were admitted on its word. */
    @Override
    public Map<AgentCertificate, String> refusals(Collection<AgentCertificate> live) {
        Map<String, AgentCertificate> asked = new LinkedHashMap<>();
        live.forEach(link -> asked.put(key(Link.of(link.agent(), link.serial())), link));
        Map<AgentCertificate, String> refused = new LinkedHashMap<>();
        try {
            for (Link link : client.call(NodeTunnelWire.REFUSALS, new NodeTunnelWire.Links(live.stream()
                    .map(l -> Link.of(l.agent(), l.serial())).toList(), false), NodeTunnelWire.Links.class).links()) {
                AgentCertificate certificate = asked.get(key(link));
                if (certificate != null) {
                    refused.put(certificate, link.reason());
                }
            }
        } catch (ControlPlaneClient.Unavailable e) {
            log.debug("agent links not re-checked: {}", e.getMessage());
        }
        return refused;
    }

    private static String key(Link link) {
        return link.network() + "/" + link.name() + "/" + link.serial();
    }

    @Override
    public void report(AgentStatus status) {
        try {
            client.tell(NodeTunnelWire.REPORT, NodeTunnelWire.Status.of(status));
        } catch (ControlPlaneClient.Unavailable e) {
            log.debug("agent link status not reported: {}", e.getMessage());
        }
    }

    @Override
    public List<X509Certificate> join(JoinRequest request) throws EnrollmentException {
        return chain(NodeTunnelWire.JOIN, new NodeTunnelWire.Join(request.token(), request.network(),
                request.agentName(), Base64.getEncoder().encodeToString(request.csr())));
    }

    @Override
    public List<X509Certificate> renew(AgentIdentity agent, BigInteger presentedSerial, byte[] csr)
            throws EnrollmentException {
        return chain(NodeTunnelWire.RENEW, new NodeTunnelWire.Renew(agent.network(), agent.agentId(),
                presentedSerial.toString(16), Base64.getEncoder().encodeToString(csr)));
    }

    /** The control plane's refusal reaches the agent as it is; its absence as a plain "try again". */
    private List<X509Certificate> chain(String path, Object request) throws EnrollmentException {
        try {
            return Pem.certificates(client.call(path, request, NodeWire.Chain.class).pem());
        } catch (ControlPlaneClient.Unavailable e) {
            if (e.status() == 403 || e.status() == 400) {
                throw new EnrollmentException(reason(e.getMessage()));
            }
            log.warn("agent enrolment through this node failed: {}", e.getMessage());
            throw new EnrollmentException("the gateway cannot reach its control plane now; try again shortly");
        }
    }

    /** The {@code error} of the control plane's problem body inside {@code message}, else the message. */
    private String reason(String message) {
        int body = message.indexOf('{');
        try {
            return body < 0 ? message : json.readTree(message.substring(body)).path("error").asString(message);
        } catch (RuntimeException e) {
            return message;
        }
    }
}
