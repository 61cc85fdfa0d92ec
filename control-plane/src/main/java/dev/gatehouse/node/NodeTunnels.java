package dev.gatehouse.node;

import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.tunnels.NodeTunnelWire;
import dev.gatehouse.controlplane.tunnels.TunnelConfiguration;
import dev.gatehouse.controlplane.tunnels.TunnelService;
import dev.gatehouse.pki.x509.CsrBuilder;
import dev.gatehouse.pki.x509.Pem;
import dev.gatehouse.sshproxy.dial.TargetDialer;
import dev.gatehouse.tunnel.gateway.TunnelListener;
import dev.gatehouse.tunnel.gateway.TunnelListenerConfig;
import dev.gatehouse.controlplane.nodes.NodeWire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A bastion node's tunnel port ({@code gatehouse.tunnel.*}), as the all-in-one's: agents link here with their
 * certificates and this node's sessions reach agent networks through its own links. Its server certificate comes from
 * the control plane at each start (a fresh key, for the names the tunnel settings give this machine); admission, the
 * node list and agent enrolment are asked of the control plane.
 */
@Configuration(proxyBeanMethods = false)
class NodeTunnels {

    @Bean
    TunnelService tunnelService(GatehouseSettings settings, BastionNode.NodeIdentity node) {
        GatehouseSettings.Tunnel tunnel = settings.tunnel();
        String advertised = tunnel.advertisedHost().isEmpty() ? TunnelConfiguration.machineName()
                : tunnel.advertisedHost();
        RemoteAgentRegistry agents = new RemoteAgentRegistry(node.client());
        return new TunnelService(() -> {
            try {
                X509Certificate ca = node.credentials().ca();
                KeyPair key = TunnelConfiguration.serverKey();
                List<String> names = new ArrayList<>(TunnelConfiguration.serverNames(advertised));
                List<X509Certificate> chain = Pem.certificates(node.client().call(NodeTunnelWire.CERTIFICATE,
                        new NodeTunnelWire.ServerCertificate(new CsrBuilder(key).commonName(node.name()).toPem(),
                                names.subList(0, Math.min(names.size(), NodeTunnelWire.MAX_NAMES))),
                        NodeWire.Chain.class).pem());
                TunnelListenerConfig config = TunnelListenerConfig.defaults(node.name(), tunnel.bindAddress(),
                        tunnel.port(), advertised, key.getPrivate(), chain, List.of(ca));
                return new TunnelListener(config, agents, agents, new RemoteNodeRegistry(node.client()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot set up the tunnel port: " + e.getMessage(), e);
            }
        }, tunnel.port());
    }

    @Bean
    TargetDialer targetDialer(TunnelService tunnels) {
        return TunnelConfiguration.dialerThrough(tunnels);
    }
}
