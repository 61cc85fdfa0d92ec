package dev.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.controlplane.nodes.NodeWire;
import dev.gatehouse.controlplane.tunnels.TunnelConfiguration;
import dev.gatehouse.pki.x509.TlsIdentity;
import dev.gatehouse.pki.x509.Usage;
import dev.gatehouse.pki.x509.X509CertificateAuthority;
import java.net.InetAddress;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** A node talks to a control plane only if the server shows the node port's certificate, with its host name. */
class NodePortTrustTest {

    private final X509CertificateAuthority ca = X509CertificateAuthority.generate("node CA");

    @Test
    void theNodePortsCertificateIsTrusted() {
        assertThatCode(() -> handshakeWith(NodeWire.NODE_PORT_CERTIFICATE, ca)).doesNotThrowAnyException();
    }

    @Test
    void anotherNodesTunnelCertificateFromTheSameCaForTheSameNameIsRefused() {
        // what a node may obtain for its tunnel port: a server certificate from the same CA for names it asks for
        assertThatThrownBy(() -> handshakeWith("gatehouse tunnel node-2", ca)).isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("not the control plane's node port");
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() {
        assertThatThrownBy(() -> handshakeWith(NodeWire.NODE_PORT_CERTIFICATE,
                X509CertificateAuthority.generate("another CA"))).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void theEnrollingNodeAppliesTheSameNameCheck() throws Exception {
        KeyPair key = TunnelConfiguration.serverKey();
        assertThatThrownBy(() -> NodePortTrust.requireNodePort(ca.issue(key.getPublic(), "bastion:node-2", List.of(),
                Duration.ofHours(1), Usage.BOTH))).hasMessageContaining("\"bastion:node-2\"");
        assertThatCode(() -> NodePortTrust.requireNodePort(ca.issue(key.getPublic(), NodeWire.NODE_PORT_CERTIFICATE,
                List.of("localhost"), Duration.ofHours(1), Usage.SERVER))).doesNotThrowAnyException();
    }

    /** A TLS handshake to "localhost" against a server presenting {@code commonName}, certified by {@code issuer}. */
    private void handshakeWith(String commonName, X509CertificateAuthority issuer) throws Exception {
        KeyPair key = TunnelConfiguration.serverKey();
        TlsIdentity server = new TlsIdentity(key.getPrivate(), List.of(issuer.issue(key.getPublic(), commonName,
                List.of("localhost"), Duration.ofHours(1), Usage.SERVER), issuer.certificate()));
        try (SSLServerSocket listener = (SSLServerSocket) server.sslContext(issuer.certificate())
                .getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread accept = Thread.ofVirtual().start(() -> {
                try (SSLSocket peer = (SSLSocket) listener.accept()) {
                    peer.startHandshake();
                } catch (java.io.IOException refusedByTheClient) {
                    // the client's refusal ends the handshake here too
                }
            });
            SSLContext client = SSLContext.getInstance("TLSv1.3");
            client.init(null, NodePortTrust.of(ca.certificate()), null);
            try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("localhost",
                    listener.getLocalPort())) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
            } finally {
                accept.join();
            }
        }
    }
}
