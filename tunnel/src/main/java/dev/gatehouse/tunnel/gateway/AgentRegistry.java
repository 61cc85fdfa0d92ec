package dev.gatehouse.tunnel.gateway;

import dev.gatehouse.tunnel.protocol.AgentIdentity;
import java.math.BigInteger;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where agent status goes ({@code GET /api/v1/agents}) and who may connect; PostgreSQL-backed in the control plane.
 * Calls may block: the listener makes them off its event loops.
 */
public interface AgentRegistry {

    /** Empty to admit the agent's link, or the reason it is refused (for example a revoked certificate). */
    Optional<String> refusal(AgentIdentity agent, BigInteger certificateSerial);

    /**
     * Of the live links' certificates, those no longer admitted, with the reason. Each node asks every heartbeat, so
     * a revocation made through any node cuts the agent's links on all of them.
     */
    default Map<AgentCertificate, String> refusals(Collection<AgentCertificate> live) {
        Map<AgentCertificate, String> refused = new LinkedHashMap<>();
        for (AgentCertificate link : live) {
            refusal(link.agent(), link.serial()).ifPresent(reason -> refused.put(link, reason));
        }
        return refused;
    }

    void report(AgentStatus status);
}
