package dev.gatehouse.tunnel.gateway;

import dev.gatehouse.tunnel.protocol.AgentIdentity;
import java.math.BigInteger;
import java.util.Optional;

/** Where agent status goes ({@code GET /api/v1/agents}) and who may connect; PostgreSQL-backed in the control plane. */
public interface AgentRegistry {

    /** Empty to admit the agent's link, or the reason it is refused (for example a revoked certificate). */
    Optional<String> refusal(AgentIdentity agent, BigInteger certificateSerial);

    void report(AgentStatus status);
}
