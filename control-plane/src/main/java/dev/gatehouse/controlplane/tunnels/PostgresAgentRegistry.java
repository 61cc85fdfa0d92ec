package dev.gatehouse.controlplane.tunnels;

import dev.gatehouse.controlplane.agents.AgentLinkStatus;
import dev.gatehouse.controlplane.agents.AgentStore;
import dev.gatehouse.tunnel.gateway.AgentCertificate;
import dev.gatehouse.tunnel.gateway.AgentRegistry;
import dev.gatehouse.tunnel.gateway.AgentStatus;
import dev.gatehouse.tunnel.protocol.AgentIdentity;
import java.math.BigInteger;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Admits an agent's link only with the certificate last issued to it or the one its last renewal was made with (so a
 * revoked agent, or an older certificate after a re-join, is refused), and keeps each node's view of each link in
 * {@code agent_links}.
 */
final class PostgresAgentRegistry implements AgentRegistry {

    private final AgentStore agents;

    PostgresAgentRegistry(AgentStore agents) {
        this.agents = Objects.requireNonNull(agents, "agents");
    }

    @Override
    public Optional<String> refusal(AgentIdentity agent, BigInteger certificateSerial) {
        Optional<AgentStore.AdmittedSerials> admitted = agents.admittedSerials(agent.network(), agent.agentId());
        if (admitted.isEmpty()) {
            return Optional.of(notEnrolled(agent));
        }
        if (!admitted.get().admits(certificateSerial.toString(16))) {
            return Optional.of("agent " + agent + " presented certificate " + certificateSerial.toString(16)
                    + ", which is no longer admitted (replaced by later renewals or a new join)");
        }
        return Optional.empty();
    }

    /**
     * Live links are cut only when their agent is no longer enrolled (revoked): a link made with a certificate that
     * a renewal has since replaced stays up, as TLS authenticated it when it was valid.
     */
    @Override
    public Map<AgentCertificate, String> refusals(Collection<AgentCertificate> live) {
        Set<String> enrolled = agents.enrolledAmong(live.stream().map(PostgresAgentRegistry::key).distinct().toList());
        Map<AgentCertificate, String> refused = new LinkedHashMap<>();
        live.stream().filter(link -> !enrolled.contains(key(link)))
                .forEach(link -> refused.put(link, notEnrolled(link.agent())));
        return refused;
    }

    private static String key(AgentCertificate link) {
        return link.agent().network() + "/" + link.agent().agentId();
    }

    private static String notEnrolled(AgentIdentity agent) {
        return "agent " + agent + " is not enrolled (revoked or deleted)";
    }

    @Override
    public void report(AgentStatus status) {
        agents.linkReported(status.agent().network(), status.agent().agentId(), status.nodeId(),
                new AgentLinkStatus(status.nodeId(), status.connected(), status.remoteAddress(), status.version(),
                        status.openStreams(), status.bytesIn(), status.bytesOut(), status.lastSeen()));
    }
}
