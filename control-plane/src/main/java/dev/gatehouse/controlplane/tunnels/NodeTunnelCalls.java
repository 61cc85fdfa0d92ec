package dev.gatehouse.controlplane.tunnels;

import dev.gatehouse.controlplane.agents.AgentStore;
import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import dev.gatehouse.controlplane.ca.CertificateAuthorities;
import dev.gatehouse.controlplane.jointokens.JoinTokens;
import dev.gatehouse.controlplane.nodes.NodeApiServer;
import dev.gatehouse.controlplane.nodes.NodeApiServer.Reply;
import dev.gatehouse.controlplane.tunnels.NodeTunnelWire.Link;
import dev.gatehouse.pki.x509.Pem;
import dev.gatehouse.pki.x509.Usage;
import dev.gatehouse.tunnel.gateway.AgentCertificate;
import dev.gatehouse.tunnel.gateway.EnrollmentException;
import dev.gatehouse.tunnel.gateway.GatewayNode;
import dev.gatehouse.tunnel.gateway.JoinRequest;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The control plane's side of bastion nodes' tunnel ports ({@link NodeTunnelWire}), in front of the other node calls:
 * the same agent registry, node registry and agent enrollment the all-in-one's tunnel listener uses in-process. The
 * calling node is the one its client certificate names; it can speak only for itself.
 */
public final class NodeTunnelCalls implements NodeApiServer.Calls {

    /** As long as the all-in-one's: a node takes a new one at each start. */
    static final Duration SERVER_CERTIFICATE_VALIDITY = Duration.ofDays(365);
    /** The tunnel listener's default heartbeat ({@link dev.gatehouse.tunnel.gateway.TunnelListenerConfig}). */
    static final Duration HEARTBEAT = Duration.ofSeconds(5);
    private static final Pattern NAME = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.-]{1,253}:[0-9]{1,5}");

    private final NodeApiServer.Calls others;
    private final CertificateAuthorities authorities;
    private final PostgresAgentRegistry agents;
    private final PostgresNodeRegistry nodes;
    private final ControlPlaneAgentEnrollment enrollment;
    private final ControlPlaneAudit trail;
    private final JsonMapper json = JsonMapper.builder().build();

    public NodeTunnelCalls(NodeApiServer.Calls others, CertificateAuthorities authorities, JoinTokens joinTokens,
            AgentStore agents, ControlPlaneAudit trail, TransactionTemplate transactions, JdbcClient jdbc) {
        this.others = Objects.requireNonNull(others, "others");
        this.authorities = Objects.requireNonNull(authorities, "authorities");
        this.trail = Objects.requireNonNull(trail, "trail");
        this.agents = new PostgresAgentRegistry(agents);
        this.nodes = new PostgresNodeRegistry(jdbc, HEARTBEAT);
        this.enrollment = new ControlPlaneAgentEnrollment(joinTokens, agents, authorities, trail, transactions,
                ControlPlaneAgentEnrollment.CERTIFICATE_VALIDITY);
    }

    @Override
    public void refused(String path, String node, String sourceAddress, String reason) {
        others.refused(path, node, sourceAddress, reason);
    }

    @Override
    public Reply call(String path, String node, String serial, byte[] body, String source) throws IOException {
        if (node == null || !path.startsWith(NodeTunnelWire.PREFIX)) {
            return others.call(path, node, serial, body, source);
        }
        try {
            return switch (path) {
                case NodeTunnelWire.CERTIFICATE -> certificate(node, read(body, NodeTunnelWire.ServerCertificate.class),
                        source);
                case NodeTunnelWire.NODES -> {
                    String address = read(body, NodeTunnelWire.Beat.class).tunnelAddress();
                    if (address == null || !ADDRESS.matcher(address).matches()) {
                        throw new IllegalArgumentException("tunnelAddress must be host:port");
                    }
                    nodes.heartbeat(new GatewayNode(node, address));
                    yield ok(nodes.liveNodes().stream().map(n -> new NodeTunnelWire.Node(n.id(), n.tunnelAddress()))
                            .toList());
                }
                case NodeTunnelWire.LEAVE -> {
                    nodes.leave(node);
                    yield new Reply(204, new byte[0]);
                }
                case NodeTunnelWire.REFUSALS -> ok(refusals(read(body, NodeTunnelWire.Links.class)));
                case NodeTunnelWire.REPORT -> {
                    agents.report(read(body, NodeTunnelWire.Status.class).on(node));
                    yield new Reply(204, new byte[0]);
                }
                case NodeTunnelWire.JOIN -> {
                    NodeTunnelWire.Join q = read(body, NodeTunnelWire.Join.class);
                    yield chain(enrollment.join(new JoinRequest(required(q.token(), "token"),
                            q.network(), q.name(), Base64.getDecoder().decode(required(q.csr(), "csr")))));
                }
                case NodeTunnelWire.RENEW -> {
                    NodeTunnelWire.Renew q = read(body, NodeTunnelWire.Renew.class);
                    Link presented = new Link(q.network(), q.name(), required(q.serial(), "serial"),
                            null);
                    yield chain(enrollment.renew(presented.agent(), presented.serialNumber(),
                            Base64.getDecoder().decode(required(q.csr(), "csr"))));
                }
                default -> error(404, "no such call " + path);
            };
        } catch (JacksonException | IllegalArgumentException e) {
            return error(400, "malformed request: " + e.getMessage());
        } catch (EnrollmentException e) {
            return error(403, e.getMessage());
        }
    }

    /** Certified for names only (no addresses beyond 127.0.0.1 and no wildcards), audited as the node's. */
    private Reply certificate(String node, NodeTunnelWire.ServerCertificate q, String source) {
        List<String> names = List.copyOf(required(q.names(), "names"));
        if (names.isEmpty() || names.size() > NodeTunnelWire.MAX_NAMES
                || !names.stream().allMatch(name -> NAME.matcher(name).matches())) {
            throw new IllegalArgumentException("names must be 1 to " + NodeTunnelWire.MAX_NAMES + " host names");
        }
        X509Certificate certificate = authorities.x509().signCsr(Pem.csr(required(q.csr(), "csr")),
                "gatehouse tunnel " + node, names, SERVER_CERTIFICATE_VALIDITY, Usage.SERVER);
        trail.record(new AuditRecord("node.tunnel-certificate", "node:" + node, "node:" + node, null,
                Map.of("names", names, "certSerial", certificate.getSerialNumber().toString(16)), source, "success",
                null));
        return chain(List.of(certificate, authorities.x509().certificate()));
    }

    private NodeTunnelWire.Links refusals(NodeTunnelWire.Links q) {
        List<Link> links = List.copyOf(required(q.links(), "links"));
        if (q.admitting()) {
            return new NodeTunnelWire.Links(links.stream().flatMap(link -> agents.refusal(link.agent(),
                    link.serialNumber()).map(reason -> new Link(link.network(), link.name(), link.serial(), reason))
                    .stream()).toList(), true);
        }
        Map<AgentCertificate, String> refused = agents.refusals(links.stream()
                .map(link -> new AgentCertificate(link.agent(), link.serialNumber())).toList());
        return new NodeTunnelWire.Links(refused.entrySet().stream().map(entry -> new Link(
                entry.getKey().agent().network(), entry.getKey().agent().agentId(),
                entry.getKey().serial().toString(16), entry.getValue())).toList(), false);
    }

    private static <T> T required(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is missing");
        }
        return value;
    }

    private <T> T read(byte[] body, Class<T> type) {
        return json.readValue(body, type);
    }

    private Reply chain(List<X509Certificate> chain) {
        return ok(Map.of("pem", Pem.encode(chain.toArray(X509Certificate[]::new))));
    }

    private Reply ok(Object value) {
        return new Reply(200, json.writeValueAsBytes(value));
    }

    private Reply error(int status, String message) {
        return new Reply(status, json.writeValueAsBytes(Map.of("error", message)));
    }
}
