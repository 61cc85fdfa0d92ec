package dev.gatehouse.tunnel.gateway;

import dev.gatehouse.tunnel.protocol.AgentIdentity;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Issues agent certificates; the control plane implements it over its join tokens and X.509 CA. The certificate's
 * subject must be {@code CN=<agentName>@<network>} ({@link AgentIdentity#commonName()}), set here, not taken from
 * the CSR.
 */
public interface AgentEnrollment {

    /** Consumes the one-time token (it must be unexpired, unused and for {@code request.network()}) and signs. */
    List<X509Certificate> join(JoinRequest request) throws EnrollmentException;

    /**
     * Signs a fresh CSR for an agent that proved a valid, admitted certificate (serial {@code presentedSerial}). The
     * presented certificate must stay admitted until it expires: if the answer is lost, the agent still holds only
     * that one and must be able to renew again.
     */
    List<X509Certificate> renew(AgentIdentity agent, BigInteger presentedSerial, byte[] csr)
            throws EnrollmentException;
}
