package dev.gatehouse.audit.siem;

import dev.gatehouse.audit.chain.SignedCheckpoint;
import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.events.CanonicalJson;
import dev.gatehouse.audit.events.StoredAuditEvent;
import dev.gatehouse.audit.export.SessionExport;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * RFC 5424 syslog over TCP with octet-counting framing (RFC 6587): facility {@code log audit} (13), severity notice
 * for successes and warning otherwise, MSGID the event type, the message the event's JSON. Reconnects on failure.
 */
public final class SyslogTcpSink implements SiemSink {

    private static final int FACILITY_LOG_AUDIT = 13;

    private final InetSocketAddress address;
    private final String hostname;
    private Socket socket;
    private OutputStream out;

    public SyslogTcpSink(InetSocketAddress address, String hostname) {
        this.address = Objects.requireNonNull(address, "address");
        this.hostname = hostname == null || hostname.isBlank() ? "-" : hostname.replace(' ', '_');
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
                socket.connect(address, 5000);
                socket.setSoTimeout(10_000);
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
