package dev.gatehouse.sshproxy.proxyprotocol;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The peers allowed to send a PROXY header, as address ranges ({@code 10.0.0.0/8}, {@code ::1/128}, or one address).
 * Anyone else could otherwise claim any client address.
 */
public final class TrustedPeers {

    private record Range(byte[] network, int prefix) {

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            return rest == 0 || ((address[full] ^ network[full]) & (0xFF << (8 - rest)) & 0xFF) == 0;
        }
    }

    private final List<Range> ranges;
    private final List<String> text;

    private TrustedPeers(List<Range> ranges, List<String> text) {
        this.ranges = ranges;
        this.text = text;
    }

    /**
     * Parses {@code cidrs}; a malformed entry is an {@link IllegalArgumentException} naming {@code setting}.
     * Addresses must be numeric (never resolved); host bits must be zero.
     */
    public static TrustedPeers parse(String setting, List<String> cidrs) {
        List<Range> ranges = new ArrayList<>();
        for (String cidr : cidrs) {
            ranges.add(range(setting, cidr.strip()));
        }
        return new TrustedPeers(List.copyOf(ranges), List.copyOf(cidrs));
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return ranges.stream().anyMatch(r -> r.contains(bytes));
    }

    @Override
    public String toString() {
        return String.join(",", text);
    }

    private static Range range(String setting, String cidr) {
        int slash = cidr.indexOf('/');
        String host = slash < 0 ? cidr : cidr.substring(0, slash);
        String why = setting + ": '" + cidr + "' is not an address range such as 10.0.0.0/8 or ::1/128";
        // Digits, dots and colons only: InetAddress then parses a literal and never asks DNS.
        boolean literal = host.contains(":") ? host.matches("[0-9A-Fa-f:.]+")
                : host.matches("[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");
        if (!literal) {
            throw new IllegalArgumentException(why);
        }
        byte[] network;
        try {
            network = InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(why);
        }
        int bits = network.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = cidr.substring(slash + 1);
            if (!length.matches("[0-9]{1,3}") || Integer.parseInt(length) > bits) {
                throw new IllegalArgumentException(why);
            }
            prefix = Integer.parseInt(length);
        }
        Range range = new Range(network, prefix);
        byte[] masked = network.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - 8 * i));
            masked[i] &= (byte) (0xFF << (8 - keep));
        }
        if (!java.util.Arrays.equals(masked, network)) {
            throw new IllegalArgumentException(setting + ": '" + cidr + "' has host bits set");
        }
        return range;
    }
}
