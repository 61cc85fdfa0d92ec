package dev.gatehouse.agent.tunnel;

import dev.gatehouse.tunnel.protocol.TunnelTls;
import io.netty.handler.ssl.SslContext;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/** The agent's key and certificate chain, and the CAs it trusts for gateway nodes. */
public record AgentCredentials(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> gatewayCas) {

    public AgentCredentials {
        chain = List.copyOf(chain);
        gatewayCas = List.copyOf(gatewayCas);
        if (chain.isEmpty() || gatewayCas.isEmpty()) {
            throw new IllegalArgumentException("agent credentials need a certificate chain and a gateway CA");
        }
    }

    SslContext tls() throws SSLException {
        return TunnelTls.agent(key, chain, gatewayCas);
    }
}
