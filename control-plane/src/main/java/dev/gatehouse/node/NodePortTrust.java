package dev.gatehouse.node;

import dev.gatehouse.controlplane.nodes.NodeWire;
import dev.gatehouse.pki.x509.TlsIdentity;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * What a node trusts as a control plane: a chain from the node's CA (with the host name checked as usual) whose leaf
 * is the node port's own certificate ({@link NodeWire#NODE_PORT_CERTIFICATE}). The same CA certifies every node,
 * each node's tunnel port (for host names the node asks for) and every agent; without the name check any of them
 * could answer for the control plane on a path it can reach.
 */
final class NodePortTrust extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager chains;

    private NodePortTrust(X509ExtendedTrustManager chains) {
        this.chains = chains;
    }

    /** Trusts chains from {@code ca} that end in the node port's certificate. */
    static TrustManager[] of(X509Certificate ca) {
        X509ExtendedTrustManager chains = Arrays.stream(TlsIdentity.trusting(ca).getTrustManagers())
                .filter(X509ExtendedTrustManager.class::isInstance).map(X509ExtendedTrustManager.class::cast)
                .findFirst().orElseThrow(() -> new IllegalStateException("the JDK offers no X.509 trust manager"));
        return new TrustManager[] {new NodePortTrust(chains)};
    }

    /** Refuses a leaf that is not the node port's certificate. */
    static void requireNodePort(X509Certificate leaf) throws CertificateException {
        String name = commonName(leaf);
        if (!NodeWire.NODE_PORT_CERTIFICATE.equals(name)) {
            throw new CertificateException("the server presented a certificate for \"" + name
                    + "\", not the control plane's node port");
        }
    }

    private static String commonName(X509Certificate leaf) throws CertificateException {
        try {
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return String.valueOf(rdn.getValue());
                }
            }
            return "";
        } catch (InvalidNameException e) {
            throw new CertificateException("the server's certificate has an unreadable subject", e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        chains.checkServerTrusted(chain, authType, socket);
        requireNodePort(chain[0]);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        chains.checkServerTrusted(chain, authType, engine);
        requireNodePort(chain[0]);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        chains.checkServerTrusted(chain, authType);
        requireNodePort(chain[0]);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a node trusts no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a node trusts no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a node trusts no clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return chains.getAcceptedIssuers();
    }
}
