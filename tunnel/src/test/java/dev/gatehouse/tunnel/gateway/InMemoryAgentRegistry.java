package dev.gatehouse.tunnel.gateway;

import dev.gatehouse.tunnel.protocol.AgentIdentity;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Keeps the latest status per agent and node in memory; for a single node and for tests. */
public final class InMemoryAgentRegistry implements AgentRegistry {

    private final Map<String, AgentStatus> latest = new ConcurrentHashMap<>();
    private final Set<BigInteger> revokedSerials = ConcurrentHashMap.newKeySet();

    /** Refuses links made with this certificate from now on. */
    public void revoke(BigInteger certificateSerial) {
        revokedSerials.add(certificateSerial);
    }

    @Override
    public Optional<String> refusal(AgentIdentity agent, BigInteger certificateSerial) {
        return revokedSerials.contains(certificateSerial)
                ? Optional.of("certificate " + certificateSerial.toString(16) + " of agent " + agent + " is revoked")
                : Optional.empty();
    }

    @Override
    public void report(AgentStatus status) {
        latest.put(status.agent() + "|" + status.nodeId(), status);
    }

    public List<AgentStatus> statuses() {
        return List.copyOf(latest.values());
    }
}
