package dev.gatehouse.controlplane.policy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/** An address range, {@code 10.20.0.0/16} or {@code fd00::/8}; a plain address is the range of just itself. */
public record Cidr(InetAddress base, int prefix) {

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    public Cidr {
        Objects.requireNonNull(base, "base");
        if (prefix < 0 || prefix > bits(base)) {
            throw new IllegalArgumentException("prefix must be 0-" + bits(base) + ", was " + prefix);
        }
    }

    /** The range of one address. */
    public static Cidr of(InetAddress address) {
        return new Cidr(address, bits(address));
    }

    /** Parses {@code address/prefix}; rejects names, malformed addresses and set host bits, naming what was wrong. */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not address/prefix");
        }
        InetAddress base = literal(text.substring(0, slash));
        if (base == null) {
            throw new IllegalArgumentException("'" + text.substring(0, slash) + "' is not an IPv4 or IPv6 address");
        }
        String digits = text.substring(slash + 1);
        if (!digits.matches("[0-9]{1,3}")) {
            throw new IllegalArgumentException("prefix '" + digits + "' is not a number");
        }
        Cidr cidr = new Cidr(base, Integer.parseInt(digits));
        if (!Arrays.equals(cidr.masked(base.getAddress()), base.getAddress())) {
            throw new IllegalArgumentException("'" + text + "' has bits set past its /" + cidr.prefix
                    + " (the range starts at " + new Cidr(cidr.network(), cidr.prefix) + ")");
        }
        return cidr;
    }

    /**
     * {@code text} as an address when it is an IPv4 or IPv6 literal, otherwise null; never a DNS lookup (the JDK
     * only looks up text that is not a literal, and this never hands it such text).
     */
    public static InetAddress literal(String text) {
        if (!IPV4.matcher(text).matches() && !IPV6.matcher(text).matches()) {
            return null;
        }
        if (IPV4.matcher(text).matches()) {
            for (String part : text.split("\\.", -1)) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == base.getAddress().length && Arrays.equals(masked(bytes), masked(base.getAddress()));
    }

    /** Whether every address of this range lies in {@code outer}. */
    public boolean within(Cidr outer) {
        return prefix >= outer.prefix && outer.contains(base);
    }

    private InetAddress network() {
        try {
            return InetAddress.getByAddress(masked(base.getAddress()));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] masked(byte[] bytes) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - 8 * i));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    private static int bits(InetAddress address) {
        return address instanceof Inet4Address ? 32 : 128;
    }

    @Override
    public String toString() {
        return base.getHostAddress() + "/" + prefix;
    }
}
