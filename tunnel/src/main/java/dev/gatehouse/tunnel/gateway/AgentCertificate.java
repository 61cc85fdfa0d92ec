package dev.gatehouse.tunnel.gateway;

import dev.gatehouse.tunnel.protocol.AgentIdentity;
import java.math.BigInteger;

/** The agent a link belongs to and the serial of the certificate it authenticated with. */
public record AgentCertificate(AgentIdentity agent, BigInteger serial) {
}
