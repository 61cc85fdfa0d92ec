package dev.gatehouse.audit.siem;

import dev.gatehouse.audit.chain.SignedCheckpoint;
import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.events.CanonicalJson;
import dev.gatehouse.audit.events.StoredAuditEvent;
import dev.gatehouse.audit.export.SessionExport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * RFC 5424 syslog over TCP with octet-counting framing (RFC 6587), optionally inside TLS (RFC 5425, the server's
 * certificate checked against the given trust and its name): facility {@code log audit} (13), severity notice for
 * successes and warning otherwise, MSGID the event type, the message the event's JSON. Reconnects on failure.
 */
public final class SyslogTcpSink implements SiemSink {

    private static final int FACILITY_LOG_AUDIT = 13;

    private final InetSocketAddress address;
    private final String hostname;
    /** Null for plain TCP. */
    private final SSLSocketFactory tls;
    private Socket socket;
    private OutputStream out;

    /** Plain TCP. */
    public SyslogTcpSink(InetSocketAddress address, String hostname) {
        this(address, hostname, null);
    }

    /** TLS through {@code tls} (see {@link #trusting}), or plain TCP when it is null. */
    public SyslogTcpSink(InetSocketAddress address, String hostname, SSLSocketFactory tls) {
        this.address = Objects.requireNonNull(address, "address");
        this.hostname = hostname == null || hostname.isBlank() ? "-" : hostname.replace(' ', '_');
        this.tls = tls;
    }

    /** TLS that trusts the CA certificates in {@code pemFile}, or the JVM's default trust when it is null. */
    public static SSLSocketFactory trusting(Path pemFile) throws IOException, GeneralSecurityException {
        if (pemFile == null) {
            return SSLContext.getDefault().getSocketFactory();
        }
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pemFile)) {
            int n = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + n++, certificate);
            }
            if (n == 0) {
                throw new GeneralSecurityException("no certificate in " + pemFile);
            }
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    @Override
    public void send(List<StoredAuditEvent> events) throws IOException {
        write(events.stream().map(this::frame).toList());
    }

    @Override
    public void sendCheckpoint(SignedCheckpoint checkpoint) throws IOException {
        write(List.of("<" + (FACILITY_LOG_AUDIT * 8 + 5) + ">1 " + checkpoint.time() + " " + hostname
                + " gatehouse - audit.checkpoint [gatehouse@32473 seq=\"" + checkpoint.seq() + "\"] "
                + CanonicalJson.write(checkpoint.fields())));
    }

    private void write(List<String> frames) throws IOException {
        try {
            if (socket == null) {
                socket = new Socket();
                // An unresolved address is looked up at each connection, so a receiver that moves is followed.
                socket.connect(address.isUnresolved() ? new InetSocketAddress(address.getHostString(),
                        address.getPort()) : address, 5000);
                socket.setSoTimeout(10_000);
                if (tls != null) {
                    SSLSocket secured = (SSLSocket) tls.createSocket(socket, address.getHostString(),
                            address.getPort(), true);
                    SSLParameters parameters = secured.getSSLParameters();
                    parameters.setEndpointIdentificationAlgorithm("HTTPS");
                    secured.setSSLParameters(parameters);
                    socket = secured;
                    secured.startHandshake();
                }
                out = socket.getOutputStream();
            }
            for (String frame : frames) {
                byte[] msg = frame.getBytes(StandardCharsets.UTF_8);
                out.write((msg.length + " ").getBytes(StandardCharsets.US_ASCII));
                out.write(msg);
            }
            out.flush();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    String frame(StoredAuditEvent stored) {
        AuditEvent e = stored.event();
        int severity = AuditEvent.SUCCESS.equals(e.outcome()) ? 5 : 4;
        String msgId = e.type().replaceAll("[^!-~]", "_");
        return "<" + (FACILITY_LOG_AUDIT * 8 + severity) + ">1 " + e.time() + " " + hostname + " gatehouse - "
                + (msgId.length() > 32 ? msgId.substring(0, 32) : msgId) + " [gatehouse@32473 id=\"" + stored.id()
                + "\" outcome=\"" + e.outcome() + "\"] " + CanonicalJson.write(SessionExport.jsonObject(stored));
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already broken
            }
            socket = null;
            out = null;
        }
    }
}
