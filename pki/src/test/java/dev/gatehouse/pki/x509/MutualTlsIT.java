package dev.gatehouse.pki.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** Certificates from the CA in a real TLS 1.3 handshake over loopback, with client authentication required. */
class MutualTlsIT {

    private static final X509CertificateAuthority CA = X509CertificateAuthority.generate("Gatehouse internal CA");

    @Test
    void handshakeWhenBothSidesCertifiedBySameCaThenMutualTls13() throws Exception {
        TlsIdentity server = identity(CA, "gateway-1", Usage.SERVER);
        TlsIdentity agent = identity(CA, "agent-1", Usage.CLIENT);

        try (SSLServerSocket listener = listen(server)) {
            CompletableFuture<String> peerSeenByServer = CompletableFuture.supplyAsync(() -> acceptOne(listener));
            try (SSLSocket client = connect(agent, CA.certificate(), listener.getLocalPort())) {
                client.getOutputStream().write("ping\n".getBytes());
                client.getOutputStream().flush();
                byte[] reply = client.getInputStream().readNBytes(5);

                assertThat(new String(reply)).isEqualTo("pong\n");
                assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.3");
                assertThat(((X509Certificate) client.getSession().getPeerCertificates()[0])
                        .getSubjectX500Principal().getName()).isEqualTo("CN=gateway-1");
            }
            assertThat(peerSeenByServer.get(30, TimeUnit.SECONDS)).isEqualTo("CN=agent-1");
        }
    }

    @Test
    void handshakeWhenClientCertifiedByAnotherCaThenServerRefuses() throws Exception {
        TlsIdentity server = identity(CA, "gateway-1", Usage.SERVER);
        X509CertificateAuthority stranger = X509CertificateAuthority.generate("Somebody else's CA");
        TlsIdentity intruder = identity(stranger, "agent-1", Usage.CLIENT);

        try (SSLServerSocket listener = listen(server)) {
            CompletableFuture<String> serverSide = CompletableFuture.supplyAsync(() -> acceptOne(listener));
            // The client trusts the real CA, so only the server's check of the client certificate can fail.
            assertThatThrownBy(() -> {
                try (SSLSocket client = connect(intruder, CA.certificate(), listener.getLocalPort())) {
                    client.getOutputStream().write("ping\n".getBytes());
                    client.getOutputStream().flush();
                    if (client.getInputStream().read() < 0) {
                        throw new SSLException("closed by server");
                    }
                }
            }).isInstanceOf(IOException.class);
            assertThat(serverSide.handle((peer, failure) -> failure).get(30, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        }
    }

    @Test
    void handshakeWhenServerCertifiedByAnotherCaThenClientRefuses() throws Exception {
        X509CertificateAuthority stranger = X509CertificateAuthority.generate("Somebody else's CA");
        TlsIdentity impostor = identity(stranger, "gateway-1", Usage.SERVER);
        TlsIdentity agent = identity(CA, "agent-1", Usage.CLIENT);

        try (SSLServerSocket listener = listen(impostor)) {
            CompletableFuture.runAsync(() -> acceptOne(listener));
            assertThatThrownBy(() -> connect(agent, CA.certificate(), listener.getLocalPort()).startHandshake())
                    .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        }
    }

    private static TlsIdentity identity(X509CertificateAuthority ca, String name, Usage usage) {
        KeyPair keys = CsrBuilder.generateKeyPair();
        byte[] csr = new CsrBuilder(keys).commonName(name).toDer();
        X509Certificate certificate = ca.signCsr(csr, name, List.of("localhost", "127.0.0.1"), Duration.ofHours(1),
                usage);
        return new TlsIdentity(keys.getPrivate(), List.of(certificate));
    }

    private SSLServerSocket listen(TlsIdentity identity) throws IOException {
        SSLServerSocket listener = (SSLServerSocket) identity.sslContext(CA.certificate()).getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        listener.setNeedClientAuth(true);
        listener.setEnabledProtocols(new String[] {"TLSv1.3"});
        listener.setSoTimeout(30_000);
        return listener;
    }

    private static SSLSocket connect(TlsIdentity identity, X509Certificate trusted, int port) throws IOException {
        SSLSocket socket = (SSLSocket) identity.sslContext(trusted).getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port);
        socket.setEnabledProtocols(new String[] {"TLSv1.3"});
        socket.setSoTimeout(30_000);
        var parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // checks the server's SAN, as agents will
        socket.setSSLParameters(parameters);
        return socket;
    }

    /** Serves one connection: reads a line, answers, and returns the client's certificate subject. */
    private static String acceptOne(SSLServerSocket listener) {
        try (SSLSocket connection = (SSLSocket) listener.accept()) {
            connection.startHandshake();
            String peer = ((X509Certificate) connection.getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName();
            InputStream in = connection.getInputStream();
            in.readNBytes(5);
            OutputStream out = connection.getOutputStream();
            out.write("pong\n".getBytes());
            out.flush();
            return peer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
