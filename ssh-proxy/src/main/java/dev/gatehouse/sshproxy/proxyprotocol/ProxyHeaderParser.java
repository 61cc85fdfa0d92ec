package dev.gatehouse.sshproxy.proxyprotocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads a PROXY protocol header, version 1 (text) or 2 (binary), from the first bytes of a connection. Bounded: a v1
 * line is at most {@value #MAX_V1_LENGTH} bytes (the specification's limit), a v2 address block at most
 * {@value #MAX_V2_BLOCK} bytes; addresses are numeric literals only (never resolved); anything else is refused.
 */
public final class ProxyHeaderParser {

    /** The longest v1 line the specification allows, CRLF included. */
    public static final int MAX_V1_LENGTH = 107;
    /** The largest v2 address block accepted: IPv6 addresses and room for a balancer's TLVs. */
    public static final int MAX_V2_BLOCK = 1024;

    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final int V2_FIXED = 16;

    private ProxyHeaderParser() {}

    /**
     * The header at the start of {@code data[offset, offset + available)}, or empty when more bytes are needed to
     * tell.
     *
     * @throws MalformedProxyHeaderException when the bytes are not a header this parser accepts
     */
    public static Optional<ProxyHeader> parse(byte[] data, int offset, int available)
            throws MalformedProxyHeaderException {
        if (startsWith(data, offset, available, V2_SIGNATURE)) {
            return available < V2_SIGNATURE.length ? Optional.empty() : parseV2(data, offset, available);
        }
        if (startsWith(data, offset, available, V1_PREFIX)) {
            return available < V1_PREFIX.length ? Optional.empty() : parseV1(data, offset, available);
        }
        throw new MalformedProxyHeaderException("no PROXY protocol header (v1 or v2) at the start of the connection");
    }

    /** Whether the first bytes could begin a PROXY header (of either version); false once they cannot. */
    public static boolean mayBeHeader(byte[] data, int offset, int available) {
        return startsWith(data, offset, available, V2_SIGNATURE) || startsWith(data, offset, available, V1_PREFIX);
    }

    /** Whether the available bytes agree with {@code prefix} as far as both go. */
    private static boolean startsWith(byte[] data, int offset, int available, byte[] prefix) {
        int n = Math.min(available, prefix.length);
        return Arrays.equals(data, offset, offset + n, prefix, 0, n);
    }

    private static Optional<ProxyHeader> parseV1(byte[] data, int offset, int available)
            throws MalformedProxyHeaderException {
        int limit = Math.min(available, MAX_V1_LENGTH);
        int end = -1;
        for (int i = 0; i < limit; i++) {
            byte b = data[offset + i];
            if (b == '\r') {
                if (i + 1 >= limit) {
                    break;
                }
                if (data[offset + i + 1] != '\n') {
                    throw new MalformedProxyHeaderException("PROXY v1 header: CR not followed by LF");
                }
                end = i;
                break;
            }
            if (b < 0x20 || b > 0x7E) {
                throw new MalformedProxyHeaderException("PROXY v1 header: a byte that is not printable ASCII");
            }
        }
        if (end < 0) {
            if (available >= MAX_V1_LENGTH) {
                throw new MalformedProxyHeaderException("PROXY v1 header: no CRLF within " + MAX_V1_LENGTH + " bytes");
            }
            return Optional.empty();
        }
        String line = new String(data, offset, end, StandardCharsets.US_ASCII);
        String[] fields = line.split(" ", -1);
        int length = end + 2;
        if (fields.length >= 2 && fields[1].equals("UNKNOWN")) {
            return Optional.of(new ProxyHeader(null, length));
        }
        if (fields.length != 6) {
            throw new MalformedProxyHeaderException("PROXY v1 header: expected 'PROXY TCP4|TCP6 source destination"
                    + " source-port destination-port'");
        }
        InetAddress source = switch (fields[1]) {
            case "TCP4" -> ipv4(fields[2]);
            case "TCP6" -> ipv6(fields[2]);
            default -> throw new MalformedProxyHeaderException("PROXY v1 header: protocol must be TCP4, TCP6 or"
                    + " UNKNOWN");
        };
        // The destination is checked, not used: a header that is wrong there is wrong.
        InetAddress unused = fields[1].equals("TCP4") ? ipv4(fields[3]) : ipv6(fields[3]);
        port(fields[5]);
        return Optional.of(new ProxyHeader(new InetSocketAddress(source, port(fields[4])), length));
    }

    private static Optional<ProxyHeader> parseV2(byte[] data, int offset, int available)
            throws MalformedProxyHeaderException {
        if (available < V2_FIXED) {
            return Optional.empty();
        }
        int versionCommand = data[offset + 12] & 0xFF;
        int familyProtocol = data[offset + 13] & 0xFF;
        int block = ((data[offset + 14] & 0xFF) << 8) | (data[offset + 15] & 0xFF);
        if (versionCommand >> 4 != 2) {
            throw new MalformedProxyHeaderException("PROXY v2 header: version " + (versionCommand >> 4) + ", not 2");
        }
        int command = versionCommand & 0x0F;
        if (command > 1) {
            throw new MalformedProxyHeaderException("PROXY v2 header: unknown command " + command);
        }
        if (block > MAX_V2_BLOCK) {
            throw new MalformedProxyHeaderException("PROXY v2 header: address block of " + block + " bytes (at most "
                    + MAX_V2_BLOCK + " accepted)");
        }
        if (available < V2_FIXED + block) {
            return Optional.empty();
        }
        int length = V2_FIXED + block;
        int family = familyProtocol >> 4;
        int protocol = familyProtocol & 0x0F;
        if (family > 3 || protocol > 2) {
            throw new MalformedProxyHeaderException("PROXY v2 header: unknown address family or protocol");
        }
        if (command == 0) {
            // LOCAL: the balancer speaking for itself (a health check); the address block is to be ignored.
            return Optional.of(new ProxyHeader(null, length));
        }
        if (protocol == 2) {
            throw new MalformedProxyHeaderException("PROXY v2 header: a datagram connection on a stream port");
        }
        int addressBytes = switch (family) {
            case 1 -> 4;
            case 2 -> 16;
            default -> 0;
        };
        if (addressBytes == 0 || protocol == 0) {
            // UNSPEC or UNIX: nothing the gateway can record as an address; the connection's own peer stands.
            return Optional.of(new ProxyHeader(null, length));
        }
        if (block < 2 * addressBytes + 4) {
            throw new MalformedProxyHeaderException("PROXY v2 header: address block of " + block + " bytes is too short"
                    + " for its address family");
        }
        int at = offset + V2_FIXED;
        byte[] source = Arrays.copyOfRange(data, at, at + addressBytes);
        int sourcePort = ((data[at + 2 * addressBytes] & 0xFF) << 8) | (data[at + 2 * addressBytes + 1] & 0xFF);
        try {
            return Optional.of(new ProxyHeader(new InetSocketAddress(InetAddress.getByAddress(source), sourcePort),
                    length));
        } catch (UnknownHostException impossible) {
            throw new MalformedProxyHeaderException("PROXY v2 header: bad address length");
        }
    }

    /** A strict dotted quad: four decimal parts 0..255, no leading zeros, no shorthand. */
    private static InetAddress ipv4(String text) throws MalformedProxyHeaderException {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new MalformedProxyHeaderException("PROXY v1 header: not an IPv4 address");
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(parts[i]) > 255) {
                throw new MalformedProxyHeaderException("PROXY v1 header: not an IPv4 address");
            }
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new MalformedProxyHeaderException("PROXY v1 header: not an IPv4 address");
        }
    }

    /** An IPv6 literal; the ':' it must contain keeps {@link InetAddress#getByName} from asking DNS. */
    private static InetAddress ipv6(String text) throws MalformedProxyHeaderException {
        if (text.length() > 45 || text.indexOf(':') < 0 || !text.matches("[0-9A-Fa-f:.]+")) {
            throw new MalformedProxyHeaderException("PROXY v1 header: not an IPv6 address");
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new MalformedProxyHeaderException("PROXY v1 header: not an IPv6 address");
        }
    }

    private static int port(String text) throws MalformedProxyHeaderException {
        if (!text.matches("0|[1-9][0-9]{0,4}") || Integer.parseInt(text) > 65535) {
            throw new MalformedProxyHeaderException("PROXY v1 header: not a port number");
        }
        return Integer.parseInt(text);
    }
}
