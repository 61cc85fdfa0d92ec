package dev.gatehouse.controlplane.tunnels;

import dev.gatehouse.controlplane.agents.AgentStore;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import dev.gatehouse.controlplane.bastion.RunsBastion;
import dev.gatehouse.controlplane.ca.CertificateAuthorities;
import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.jointokens.JoinTokens;
import dev.gatehouse.controlplane.recordings.NodeId;
import dev.gatehouse.pki.x509.Usage;
import dev.gatehouse.sshproxy.dial.DirectDialer;
import dev.gatehouse.sshproxy.dial.NetworkRoutingDialer;
import dev.gatehouse.sshproxy.dial.TargetDialer;
import dev.gatehouse.tunnel.gateway.TunnelListener;
import dev.gatehouse.tunnel.gateway.TunnelListenerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The tunnel port in the all-in-one: agents enroll and link here, and the bastion dials agent networks through it.
 * The server key is made at each start and certified by the X.509 CA, which is also the CA of agent certificates.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(RunsBastion.class)
public class TunnelConfiguration {

    private static final Duration SERVER_CERTIFICATE_VALIDITY = Duration.ofDays(365);
    private static final java.util.regex.Pattern CERTIFIABLE_NAME = java.util.regex.Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    @Bean
    TunnelService tunnelService(GatehouseSettings settings, CertificateAuthorities authorities, JoinTokens joinTokens,
            AgentStore agents, ControlPlaneAudit trail, TransactionTemplate transactions, JdbcClient jdbc,
            MeterRegistry meterRegistry) {
        GatehouseSettings.Tunnel tunnel = settings.tunnel();
        String nodeId = NodeId.of(settings.dataDir());
        String advertised = tunnel.advertisedHost().isEmpty() ? machineName() : tunnel.advertisedHost();
        ControlPlaneAgentEnrollment enrollment = new ControlPlaneAgentEnrollment(joinTokens, agents, authorities, trail,
                transactions, ControlPlaneAgentEnrollment.CERTIFICATE_VALIDITY);
        PostgresAgentRegistry registry = new PostgresAgentRegistry(agents);
        MicrometerTunnelMetrics meters = new MicrometerTunnelMetrics(meterRegistry, nodeId);
        TunnelService service = new TunnelService(() -> {
            KeyPair key = serverKey();
            X509Certificate certificate = authorities.x509().issue(key.getPublic(), "gatehouse tunnel " + nodeId,
                    serverNames(advertised), SERVER_CERTIFICATE_VALIDITY, Usage.SERVER);
            X509Certificate ca = authorities.x509().certificate();
            TunnelListenerConfig config = TunnelListenerConfig.defaults(nodeId, tunnel.bindAddress(), tunnel.port(),
                    advertised, key.getPrivate(), List.of(certificate, ca), List.of(ca));
            return new TunnelListener(config, enrollment, registry,
                    new PostgresNodeRegistry(jdbc, config.heartbeat()), meters);
        }, tunnel.port());
        meters.bind(service);
        return service;
    }

    @Bean
    TargetDialer targetDialer(TunnelService tunnels) {
        return dialerThrough(tunnels);
    }

    /** Direct networks dialled directly, agent networks through this node's own agent links. */
    public static TargetDialer dialerThrough(TunnelService tunnels) {
        return new NetworkRoutingDialer(new DirectDialer(), new TunnelDialer(tunnels::listener));
    }

    /** The names agents may dial this node by: loopback, this machine's names, and the advertised one. */
    public static List<String> serverNames(String advertised) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
        try {
            InetAddress local = InetAddress.getLocalHost();
            names.add(local.getHostName());
            names.add(local.getCanonicalHostName());
        } catch (UnknownHostException e) {
            // No resolvable own name: the loopback names and the advertised one still work.
        }
        names.add(advertised.replaceFirst(":[0-9]+$", ""));
        // A machine name a certificate cannot carry (an underscore, say) is left out rather than failing start-up.
        return names.stream().filter(name -> CERTIFIABLE_NAME.matcher(name).matches()).toList();
    }

    /** This machine's host name: the default advertised tunnel host. */
    public static String machineName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** A fresh P-256 key for a server certificate the gateway's CA issues (tunnel listener, HTTPS). */
    public static KeyPair serverKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate a P-256 key for a server certificate", e);
        }
    }
}
