package dev.gatehouse.node;

import dev.gatehouse.controlplane.nodes.CaPin;
import dev.gatehouse.controlplane.nodes.NodeWire;
import dev.gatehouse.controlplane.tunnels.TunnelConfiguration;
import dev.gatehouse.pki.x509.CsrBuilder;
import dev.gatehouse.pki.x509.Pem;
import dev.gatehouse.pki.x509.TlsIdentity;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Gets a node its client certificate: the first time with the node token (the control plane is trusted if its chain
 * ends in the CA whose SHA-256 the token carries, so the token is never sent to anyone else), later by renewal with
 * the certificate it holds. The key pair is made here and never leaves the node: only a CSR is sent.
 */
final class NodeEnroller {

    private NodeEnroller() {}

    /** Enrols {@code name} with {@code token}; stores the identity and the CA in {@code credentials}. */
    static void enrol(String url, String token, String name, NodeCredentials credentials) throws IOException {
        String pin = dev.gatehouse.controlplane.nodes.CaPin.inToken(token);
        if (pin == null) {
            throw new IOException("the node token is not one of POST /api/v1/node-tokens (gh_node_<secret>.<CA SHA-256>)");
        }
        PinnedCa trust = new PinnedCa(pin);
        ControlPlaneClient client = new ControlPlaneClient(url, ControlPlaneClient.context(null,
                new TrustManager[] {trust}));
        KeyPair keys = TunnelConfiguration.serverKey();
        String recordingKey = Base64.getEncoder().encodeToString(credentials.recordingKey().publicKey().getEncoded());
        NodeWire.Chain chain = client.call(NodeWire.ENROL, new NodeWire.Enrol(token, name,
                new CsrBuilder(keys).commonName(name).toPem(), recordingKey), NodeWire.Chain.class);
        credentials.save(keys.getPrivate(), Pem.certificates(chain.pem()), trust.ca);
    }

    /** A fresh key and certificate for a node still holding a valid one; returns the new identity. */
    static TlsIdentity renew(ControlPlaneClient client, NodeCredentials credentials, String name) throws IOException {
        KeyPair keys = TunnelConfiguration.serverKey();
        NodeWire.Chain chain = client.call(NodeWire.RENEW, new NodeWire.Renew(new CsrBuilder(keys).commonName(name)
                .toPem()), NodeWire.Chain.class);
        List<X509Certificate> certificates = Pem.certificates(chain.pem());
        credentials.save(keys.getPrivate(), certificates, credentials.ca());
        return new TlsIdentity(keys.getPrivate(), certificates);
    }

    /** Trusts a server chain that ends in the CA with the pinned fingerprint and is signed by it. */
    private static final class PinnedCa implements X509TrustManager {
        private final String pin;
        private volatile X509Certificate ca;

        PinnedCa(String pin) {
            this.pin = pin;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            X509Certificate root = chain[chain.length - 1];
            if (!CaPin.of(root).equals(pin)) {
                throw new CertificateException("the control plane's CA is not the one the node token names");
            }
            try {
                chain[0].checkValidity();
                chain[0].verify(root.getPublicKey());
            } catch (java.security.GeneralSecurityException e) {
                throw new CertificateException("the control plane's certificate is not valid: " + e.getMessage(), e);
            }
            NodePortTrust.requireNodePort(chain[0]);
            ca = root;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a node trusts no clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
