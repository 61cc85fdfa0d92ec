package dev.gatehouse.tunnel.protocol;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS 1.3 only, on both ends. The gateway asks for (but does not require) a client certificate so that a joining
 * agent, which has none yet, can reach the enrollment endpoint; the tunnel itself ({@code h2}) insists on one.
 *
 * <p>The engine is OpenSSL (netty-tcnative's BoringSSL) where its native library loads, else the JDK's: every byte of
 * an agent link is encrypted on one event-loop thread per side, so the engine bounds a link's throughput.
 */
public final class TunnelTls {

    public static final String PROTOCOL = "TLSv1.3";

    private static final Logger log = LoggerFactory.getLogger(TunnelTls.class);

    private TunnelTls() {
    }

    /** The TLS engine both ends use, chosen (and logged) once per process. */
    public static SslProvider provider() {
        return Engine.PROVIDER;
    }

    private static final class Engine {
        static final SslProvider PROVIDER = choose();

        private static SslProvider choose() {
            if (Boolean.getBoolean("gatehouse.tunnel.jdk-tls")) {
                log.info("tunnel TLS engine: JDK (gatehouse.tunnel.jdk-tls is set)");
                return SslProvider.JDK;
            }
            if (OpenSsl.isAvailable() && SslProvider.isAlpnSupported(SslProvider.OPENSSL)
                    && SslProvider.isTlsv13Supported(SslProvider.OPENSSL)) {
                log.info("tunnel TLS engine: OpenSSL ({})", OpenSsl.versionString());
                return SslProvider.OPENSSL;
            }
            Throwable why = OpenSsl.unavailabilityCause();
            log.info("tunnel TLS engine: JDK (OpenSSL not usable here: {})",
                    why == null ? "no ALPN or TLS 1.3" : why.getMessage());
            return SslProvider.JDK;
        }
    }

    /** The gateway's tunnel port: offers {@code h2} (tunnel) and {@code http/1.1} (enrollment). */
    public static SslContext gateway(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> agentCas)
            throws SSLException {
        return SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                .sslProvider(provider())
                .protocols(PROTOCOL)
                .clientAuth(ClientAuth.OPTIONAL)
                .trustManager(agentCas.toArray(X509Certificate[]::new))
                .applicationProtocolConfig(alpn(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                .build();
    }

    /** The agent's side of a tunnel: its own certificate, the gateway's CA, {@code h2} only, host names checked. */
    public static SslContext agent(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> gatewayCas)
            throws SSLException {
        return SslContextBuilder.forClient()
                .sslProvider(provider())
                .protocols(PROTOCOL)
                .keyManager(key, chain.toArray(X509Certificate[]::new))
                .trustManager(gatewayCas.toArray(X509Certificate[]::new))
                .endpointIdentificationAlgorithm("HTTPS")
                .applicationProtocolConfig(alpn(ApplicationProtocolNames.HTTP_2))
                .build();
    }

    private static ApplicationProtocolConfig alpn(String... protocols) {
        return new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, protocols);
    }
}
