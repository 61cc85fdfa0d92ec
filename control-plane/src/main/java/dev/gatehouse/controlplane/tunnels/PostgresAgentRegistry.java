package dev.gatehouse.controlplane.tunnels;

import dev.gatehouse.controlplane.agents.AgentLinkStatus;
import dev.gatehouse.controlplane.agents.AgentStore;
import dev.gatehouse.tunnel.gateway.AgentRegistry;
import dev.gatehouse.tunnel.gateway.AgentStatus;
import dev.gatehouse.tunnel.protocol.AgentIdentity;
import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;

/**
 * Admits an agent's link only with the certificate last issued to it (so a revoked agent, or an older certificate
 * after a re-join, is refused), and keeps each node's view of each link in {@code agent_links}.
 */
final class PostgresAgentRegistry implements AgentRegistry {

    private final AgentStore agents;

    PostgresAgentRegistry(AgentStore agents) {
        this.agents = Objects.requireNonNull(agents, "agents");
    }

    @Override
    public Optional<String> refusal(AgentIdentity agent, BigInteger certificateSerial) {
        Optional<String> current = agents.currentSerial(agent.network(), agent.agentId());
        if (current.isEmpty()) {
            return Optional.of("agent " + agent + " is not enrolled (revoked or deleted)");
        }
        if (!current.get().equals(certificateSerial.toString(16))) {
            return Optional.of("agent " + agent + " presented certificate " + certificateSerial.toString(16)
                    + ", which is not its current one (replaced by a renewal or a new join)");
        }
        return Optional.empty();
    }

    @Override
    public void report(AgentStatus status) {
        agents.linkReported(status.agent().network(), status.agent().agentId(), status.nodeId(),
                new AgentLinkStatus(status.nodeId(), status.connected(), status.remoteAddress(), status.version(),
                        status.openStreams(), status.bytesIn(), status.bytesOut(), status.lastSeen()));
    }
}
