package dev.gatehouse.controlplane.policy;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Addresses a forward must not reach through a name or a pattern: the gateway's own (every local interface), loopback,
 * unspecified, link-local, multicast and cloud metadata services. Only a CIDR grant inside the range opens one.
 */
public final class ReservedRanges {

    private static final Map<Cidr, String> RANGES = new LinkedHashMap<>();

    static {
        reserve("127.0.0.0/8", "loopback");
        reserve("::1/128", "loopback");
        reserve("0.0.0.0/8", "unspecified, dialled as this host");
        reserve("::/128", "unspecified, dialled as this host");
        reserve("169.254.0.0/16", "link-local");
        reserve("fe80::/10", "link-local");
        reserve("224.0.0.0/4", "multicast");
        reserve("255.255.255.255/32", "broadcast");
        reserve("ff00::/8", "multicast");
        reserve("169.254.169.254/32", "cloud metadata service");
        reserve("169.254.170.2/32", "cloud metadata service (ECS)");
        reserve("fd00:ec2::254/128", "cloud metadata service (EC2, IPv6)");
        reserve("100.100.100.200/32", "cloud metadata service (Alibaba)");
    }

    private final Predicate<InetAddress> own;

    /** {@code own} says whether an address belongs to this gateway. */
    public ReservedRanges(Predicate<InetAddress> own) {
        this.own = Objects.requireNonNull(own, "own");
    }

    /** The ranges, with this machine's interface addresses (looked up at each check: interfaces come and go). */
    public static ReservedRanges ofThisMachine() {
        return new ReservedRanges(address -> {
            try {
                return NetworkInterface.getByInetAddress(address) != null;
            } catch (SocketException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The narrowest reserved range holding {@code address}, or empty when it is an ordinary address. */
    public Optional<Cidr> rangeOf(InetAddress address) {
        Cidr narrowest = null;
        for (Cidr range : RANGES.keySet()) {
            if (range.contains(address) && (narrowest == null || range.prefix() > narrowest.prefix())) {
                narrowest = range;
            }
        }
        // The gateway's own address counts only outside the named ranges, so 127.0.0.0/8:* still opens 127.0.0.1.
        if (narrowest == null && own.test(address)) {
            narrowest = Cidr.of(address);
        }
        return Optional.ofNullable(narrowest);
    }

    static String describe(Cidr range) {
        return RANGES.getOrDefault(range, "an address of the gateway itself");
    }

    private static void reserve(String cidr, String what) {
        RANGES.put(Cidr.parse(cidr), what);
    }
}
