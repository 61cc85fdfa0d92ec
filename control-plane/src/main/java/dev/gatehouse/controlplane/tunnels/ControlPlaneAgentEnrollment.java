package dev.gatehouse.controlplane.tunnels;

import dev.gatehouse.controlplane.agents.AgentStore;
import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import dev.gatehouse.controlplane.ca.CertificateAuthorities;
import dev.gatehouse.controlplane.jointokens.JoinTokens;
import dev.gatehouse.pki.x509.Usage;
import dev.gatehouse.tunnel.gateway.AgentEnrollment;
import dev.gatehouse.tunnel.gateway.EnrollmentException;
import dev.gatehouse.tunnel.gateway.JoinRequest;
import dev.gatehouse.tunnel.protocol.AgentIdentity;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Agent enrollment over the control plane: a join redeems a one-time token for the agent's network, renewal needs an
 * agent that is still enrolled. Certificates come from the X.509 CA as {@code CN=<agent>@<network>}, client use only,
 * short-lived (agents renew at two thirds). Every join, renewal and refusal is an audit event.
 */
final class ControlPlaneAgentEnrollment implements AgentEnrollment {

    /** Short enough that a stolen agent key is soon useless; agents renew long before. */
    static final Duration CERTIFICATE_VALIDITY = Duration.ofHours(24);

    private final JoinTokens joinTokens;
    private final AgentStore agents;
    private final CertificateAuthorities authorities;
    private final ControlPlaneAudit trail;
    private final TransactionTemplate transactions;
    private final Duration validity;

    ControlPlaneAgentEnrollment(JoinTokens joinTokens, AgentStore agents, CertificateAuthorities authorities,
            ControlPlaneAudit trail, TransactionTemplate transactions, Duration validity) {
        this.joinTokens = Objects.requireNonNull(joinTokens, "joinTokens");
        this.agents = Objects.requireNonNull(agents, "agents");
        this.authorities = Objects.requireNonNull(authorities, "authorities");
        this.trail = Objects.requireNonNull(trail, "trail");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.validity = Objects.requireNonNull(validity, "validity");
    }

    @Override
    public List<X509Certificate> join(JoinRequest request) throws EnrollmentException {
        AgentIdentity identity = identity(request.network(), request.agentName());
        try {
            // One transaction: a token for another network, or a CSR the CA refuses, leaves the token unused.
            return transactions.execute(status -> {
                Optional<String> network = joinTokens.redeem(request.token(), identity.commonName(), null);
                if (network.isEmpty()) {
                    throw new Refused("join token unknown, already used, revoked or expired");
                }
                if (!network.get().equals(identity.network())) {
                    throw new Refused("join token is for another network than '" + identity.network() + "'");
                }
                List<X509Certificate> chain = sign(request.csr(), identity);
                String serial = serial(chain);
                agents.enrolled(identity.network(), identity.agentId(), serial);
                record("agent.enrolled", identity, Map.of("certSerial", serial), "success", null);
                return chain;
            });
        } catch (Refused e) {
            refuse("agent.join", identity, e.getMessage());
            throw new EnrollmentException(e.getMessage());
        }
    }

    @Override
    public List<X509Certificate> renew(AgentIdentity agent, BigInteger presentedSerial, byte[] csr)
            throws EnrollmentException {
        String presented = presentedSerial.toString(16);
        try {
            return transactions.execute(status -> {
                Optional<AgentStore.AdmittedSerials> admitted = agents.admittedSerials(agent.network(),
                        agent.agentId());
                if (admitted.isEmpty()) {
                    throw new Refused("agent " + agent + " is not enrolled (revoked or deleted); join again with a"
                            + " new token");
                }
                if (!admitted.get().admits(presented)) {
                    throw new Refused("certificate " + presented + " of agent " + agent + " is no longer admitted"
                            + " (replaced by later renewals or a new join)");
                }
                List<X509Certificate> chain = sign(csr, agent);
                String serial = serial(chain);
                // The presented certificate stays admitted: if this answer is lost, the agent renews with it again.
                if (!agents.renewed(agent.network(), agent.agentId(), presented, serial)) {
                    throw new Refused("agent " + agent + " was revoked or re-enrolled during the renewal");
                }
                record("agent.renewed", agent, Map.of("certSerial", serial, "renewedWith", presented), "success",
                        null);
                return chain;
            });
        } catch (Refused e) {
            refuse("agent.renew", agent, e.getMessage());
            throw new EnrollmentException(e.getMessage());
        }
    }

    private AgentIdentity identity(String network, String name) throws EnrollmentException {
        try {
            return new AgentIdentity(network, name);
        } catch (IllegalArgumentException e) {
            throw new EnrollmentException(e.getMessage());
        }
    }

    private List<X509Certificate> sign(byte[] csr, AgentIdentity identity) {
        try {
            X509Certificate leaf = authorities.x509().signCsr(csr, identity.commonName(), List.of(), validity,
                    Usage.CLIENT);
            return List.of(leaf, authorities.x509().certificate());
        } catch (IllegalArgumentException e) {
            // InvalidCsrException included: the message says what is wrong with the request or the name.
            throw new Refused("certificate request refused: " + e.getMessage());
        }
    }

    private static String serial(List<X509Certificate> chain) {
        return chain.getFirst().getSerialNumber().toString(16);
    }

    private void refuse(String type, AgentIdentity identity, String reason) {
        transactions.executeWithoutResult(status -> record(type, identity, null, "denied", reason));
    }

    private void record(String type, AgentIdentity identity, Object after, String outcome, String reason) {
        trail.record(new AuditRecord(type, "agent:" + identity.commonName(), "network:" + identity.network(), null,
                after, null, outcome, reason));
    }

    /** Unwinds the enrollment transaction with the reason the agent is told. */
    private static final class Refused extends RuntimeException {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }
}
