package dev.gatehouse.audit.siem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.events.StoredAuditEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Syslog over TLS against a TLS receiver on loopback whose certificate ({@code keytool}, self-signed for 127.0.0.1) is
 * the trust given: the frame arrives inside TLS; trusting another certificate, the handshake fails and nothing is sent.
 */
class SyslogTlsSinkTest {

    @TempDir
    Path dir;

    @Test
    void sendOverTlsWhenTheReceiversCertificateIsTrustedThenTheFrameArrives() throws Exception {
        Path keyStore = certificate("receiver");
        try (SSLServerSocket server = receiver(keyStore)) {
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> readOneFrame(server));
            try (SyslogTcpSink sink = new SyslogTcpSink(new InetSocketAddress("127.0.0.1", server.getLocalPort()),
                    "gw-1", SyslogTcpSink.trusting(exported(keyStore, "receiver")))) {
                sink.send(List.of(event()));
            }
            assertThat(received.get(60, TimeUnit.SECONDS)).contains(" gw-1 gatehouse - user.created ");
        }
    }

    @Test
    void sendOverTlsWhenTheReceiverIsNotTrustedThenRefused() throws Exception {
        Path keyStore = certificate("receiver");
        Path other = certificate("other");
        try (SSLServerSocket server = receiver(keyStore)) {
            CompletableFuture.runAsync(() -> readOneFrame(server));
            try (SyslogTcpSink sink = new SyslogTcpSink(new InetSocketAddress("127.0.0.1", server.getLocalPort()),
                    "gw-1", SyslogTcpSink.trusting(exported(other, "other")))) {
                assertThatThrownBy(() -> sink.send(List.of(event()))).isInstanceOf(IOException.class);
            }
        }
    }

    private static StoredAuditEvent event() {
        return new StoredAuditEvent(1, AuditEvent.builder("user.created").actor("admin").target("bob").build(),
                new byte[32], new byte[32], null, null);
    }

    private static String readOneFrame(SSLServerSocket server) {
        try (SSLSocket client = (SSLSocket) server.accept()) {
            client.setSoTimeout(60_000);
            InputStream in = client.getInputStream();
            StringBuilder length = new StringBuilder();
            for (int c = in.read(); c != ' '; c = in.read()) {
                if (c < 0) {
                    return "";
                }
                length.append((char) c);
            }
            return new String(in.readNBytes(Integer.parseInt(length.toString())), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private SSLServerSocket receiver(Path keyStore) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 5,
                InetAddress.getLoopbackAddress());
        server.setSoTimeout(60_000);
        return server;
    }

    /** A self-signed certificate for 127.0.0.1 in a PKCS#12 key store, made by the JDK's keytool. */
    private Path certificate(String alias) throws Exception {
        Path store = dir.resolve(alias + ".p12");
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + alias,
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit");
        return store;
    }

    private Path exported(Path store, String alias) throws Exception {
        Path pem = dir.resolve(alias + ".pem");
        keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", store.toString(), "-storepass", "changeit",
                "-file", pem.toString());
        return pem;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
    }
}
