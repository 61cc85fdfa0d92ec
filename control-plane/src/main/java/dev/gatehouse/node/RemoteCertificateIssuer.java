package dev.gatehouse.node;

import dev.gatehouse.controlplane.nodes.NodeWire;
import dev.gatehouse.sshproxy.access.CertificateIssuer;
import dev.gatehouse.sshproxy.access.Forwarding;
import dev.gatehouse.sshproxy.access.GatewayUser;
import java.security.PublicKey;
import java.util.List;
import java.util.Objects;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/** Certificates for a bastion node, signed by the control plane's SSH CAs: the node holds no CA key. */
final class RemoteCertificateIssuer implements CertificateIssuer {

    private final ControlPlaneClient client;

    RemoteCertificateIssuer(ControlPlaneClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public OpenSshCertificate issueUserCertificate(GatewayUser user, String login, String sessionId,
            PublicKey sessionKey, Forwarding forwarding) {
        return certificate(NodeWire.USER_CERTIFICATE, new NodeWire.UserCertificate(user.username(), login, sessionId,
                PublicKeyEntry.toString(sessionKey), forwarding.port(), forwarding.remote(), forwarding.agent()));
    }

    @Override
    public OpenSshCertificate issueHostCertificate(List<String> principals, PublicKey hostKey) {
        return certificate(NodeWire.HOST_CERTIFICATE, new NodeWire.HostCertificate(principals,
                PublicKeyEntry.toString(hostKey)));
    }

    private OpenSshCertificate certificate(String path, Object request) {
        try {
            if (NodeWire.key(client.call(path, request, NodeWire.Certificate.class).certificate())
                    instanceof OpenSshCertificate certificate) {
                return certificate;
            }
            throw new IllegalStateException("the control plane answered a key, not a certificate");
        } catch (ControlPlaneClient.Unavailable e) {
            throw new IllegalStateException("no certificate: " + e.getMessage(), e);
        }
    }
}
