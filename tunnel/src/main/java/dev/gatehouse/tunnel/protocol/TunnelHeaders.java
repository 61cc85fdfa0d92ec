package dev.gatehouse.tunnel.protocol;

import io.netty.util.AsciiString;

/**
 * Request paths and header names of the reversed HTTP/2 protocol: the gateway is the HTTP/2 client, the agent serves.
 * Kept in one place because both ends must agree byte for byte.
 */
public final class TunnelHeaders {

    /** Opens a new stream to {@link #TARGET}; the agent answers 200, 403 (allow-list) or 502 (target unreachable). */
    public static final String PATH_DIAL = "/v1/dial";
    /** Re-attaches a stream after a broken link; the agent answers 200 with {@link #RECEIVED}, or 404. */
    public static final String PATH_RESUME = "/v1/resume";
    /** Tells the agent which gateway nodes are alive (body: one {@code nodeId host:port} per line). */
    public static final String PATH_NODES = "/v1/nodes";
    /** Enrollment on the tunnel port (HTTP/1.1, no client certificate): join token + CSR in, certificate chain out. */
    public static final String PATH_JOIN = "/v1/join";
    /** Renewal on the tunnel port (HTTP/1.1, with the current client certificate): CSR in, chain out. */
    public static final String PATH_RENEW = "/v1/renew";

    public static final AsciiString STREAM_ID = AsciiString.cached("gatehouse-stream");
    public static final AsciiString TARGET = AsciiString.cached("gatehouse-target");
    /** Bytes (plus one for a FIN) the sender of this header has received on the stream so far. */
    public static final AsciiString RECEIVED = AsciiString.cached("gatehouse-received");
    public static final AsciiString ERROR = AsciiString.cached("gatehouse-error");
    public static final AsciiString NODE_ID = AsciiString.cached("gatehouse-node");
    public static final AsciiString AGENT_VERSION = AsciiString.cached("gatehouse-agent-version");

    /** HTTP/1.1 enrollment headers. */
    public static final String JOIN_TOKEN = "Gatehouse-Join-Token";
    public static final String JOIN_NETWORK = "Gatehouse-Network";
    public static final String JOIN_AGENT_NAME = "Gatehouse-Agent-Name";

    /** Longest error text either end puts in a header or frame; longer peer text is cut, never trusted for size. */
    public static final int MAX_ERROR_LENGTH = 300;

    private TunnelHeaders() {
    }

    /** Makes peer-supplied text safe to log: printable ASCII only, bounded length. */
    public static String printable(CharSequence text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_ERROR_LENGTH));
        for (int i = 0; i < text.length() && out.length() < MAX_ERROR_LENGTH; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
