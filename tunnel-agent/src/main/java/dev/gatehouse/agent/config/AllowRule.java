package dev.gatehouse.agent.config;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * One allow-list entry: a CIDR, an address, a host name or a {@code *.suffix}, with a port, a port range or
 * {@code *}. Examples: {@code 10.0.0.0/8:22}, {@code [fd00::/8]:22}, {@code db.internal:5432},
 * {@code *.corp.internal:8000-8100}.
 */
public record AllowRule(String text, byte[] network, int prefix, String hostName, int fromPort, int toPort) {

    public static AllowRule parse(String entry) {
        String text = entry.trim();
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw invalid(text, "expected <cidr|address|host>:<port|from-to|*>");
        }
        String where = text.substring(0, colon);
        String ports = text.substring(colon + 1);
        int from;
        int to;
        if (ports.equals("*")) {
            from = 1;
            to = 65535;
        } else {
            String[] range = ports.split("-", -1);
            try {
                from = Integer.parseInt(range[0]);
                to = range.length == 2 ? Integer.parseInt(range[1]) : from;
            } catch (NumberFormatException e) {
                throw invalid(text, "port '" + ports + "' is not a number, a range a-b or *");
            }
            if (range.length > 2 || from < 1 || to > 65535 || from > to) {
                throw invalid(text, "port range '" + ports + "' must lie within 1..65535");
            }
        }
        if (where.startsWith("[") && where.endsWith("]")) {
            where = where.substring(1, where.length() - 1);
        }
        int slash = where.indexOf('/');
        String address = slash < 0 ? where : where.substring(0, slash);
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes != null) {
            int bits = bytes.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(where.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw invalid(text, "prefix length is not a number");
                }
                if (prefix < 0 || prefix > bits) {
                    throw invalid(text, "prefix length must be within 0.." + bits);
                }
            }
            return new AllowRule(text, bytes, prefix, null, from, to);
        }
        if (slash >= 0 || !where.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
            throw invalid(text, "'" + where + "' is neither an address, a CIDR nor a host name");
        }
        return new AllowRule(text, null, 0, where.toLowerCase(Locale.ROOT), from, to);
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("allow-list entry '" + text + "': " + why);
    }

    boolean allowsPort(int port) {
        return port >= fromPort && port <= toPort;
    }

    /** True for a host-name rule matching {@code host} (exactly, or by its {@code *.suffix}). */
    boolean matchesName(String host) {
        if (hostName == null) {
            return false;
        }
        String name = host.toLowerCase(Locale.ROOT);
        return hostName.startsWith("*.") ? name.endsWith(hostName.substring(1)) : name.equals(hostName);
    }

    boolean contains(InetAddress address) {
        if (network == null) {
            return false;
        }
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (candidate[full] & mask) == (network[full] & mask);
    }

    static InetAddress literal(String host) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(host);
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
