package dev.gatehouse.tunnel.gateway;

/** An agent's first contact: a one-time token for {@code network}, its chosen name and its CSR (DER). */
public record JoinRequest(String token, String network, String agentName, byte[] csr) {

    @Override
    public String toString() {
        // Never print the token: it is a secret until used.
        return "JoinRequest[network=" + network + ", agentName=" + agentName + "]";
    }
}
