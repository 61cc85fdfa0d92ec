package dev.gatehouse.agent.testbed;

import dev.gatehouse.tunnel.gateway.AgentEnrollment;
import dev.gatehouse.tunnel.gateway.EnrollmentException;
import dev.gatehouse.tunnel.gateway.JoinRequest;
import dev.gatehouse.tunnel.protocol.AgentIdentity;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The enrollment seam's test double: one-time tokens bound to a network with an expiry, signed by a test CA. */
public final class TestEnrollment implements AgentEnrollment {

    private record Token(String network, Instant expires) {
    }

    private final TestPki ca;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, Boolean> used = new ConcurrentHashMap<>();
    private volatile Duration validity = Duration.ofHours(1);

    public TestEnrollment(TestPki ca) {
        this.ca = ca;
    }

    public void issueToken(String token, String network, Duration ttl) {
        tokens.put(token, new Token(network, Instant.now().plus(ttl)));
    }

    public void certificateValidity(Duration newValidity) {
        validity = newValidity;
    }

    @Override
    public List<X509Certificate> join(JoinRequest request) throws EnrollmentException {
        Token token = tokens.get(request.token());
        if (token == null) {
            throw new EnrollmentException("join token unknown");
        }
        if (used.putIfAbsent(request.token(), true) != null) {
            throw new EnrollmentException("join token already used");
        }
        if (Instant.now().isAfter(token.expires())) {
            throw new EnrollmentException("join token expired");
        }
        if (!token.network().equals(request.network())) {
            throw new EnrollmentException("join token is for another network");
        }
        return sign(request.csr(), new AgentIdentity(request.network(), request.agentName()));
    }

    @Override
    public List<X509Certificate> renew(AgentIdentity agent, java.math.BigInteger presentedSerial, byte[] csr)
            throws EnrollmentException {
        return sign(csr, agent);
    }

    private List<X509Certificate> sign(byte[] csr, AgentIdentity identity) throws EnrollmentException {
        try {
            return List.of(ca.signCsr(csr, identity.commonName(), validity), ca.certificate());
        } catch (IllegalArgumentException e) {
            throw new EnrollmentException(e.getMessage());
        }
    }
}
