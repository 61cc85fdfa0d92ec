package dev.gatehouse.controlplane.policy;

import dev.gatehouse.controlplane.api.ApiException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Forward-destination grants, {@code host:ports[@network]}. The host is a name pattern ({@code *} stands for part of
 * one DNS label, never a dot), an address, or a CIDR ({@code 10.20.0.0/16}, {@code [fd00::/8]}); ports are a number,
 * a range {@code 5432-5439} or {@code *}; {@code @network} ties the grant to one network ({@code direct} or an agent
 * network's name). Names match the name the client sent; addresses and CIDRs match the address it resolved to.
 */
public final class Destinations {

    private static final Pattern PATTERN = Pattern.compile(
            "(\\[[0-9A-Fa-f:./]{2,64}]|[0-9./]{9,18}|[A-Za-z0-9.*_-]{1,253}):(\\*|[0-9]{1,5}(?:-[0-9]{1,5})?)"
                    + "(?:@([A-Za-z0-9._-]{1,63}))?");
    private static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9.*_-]{1,253}");
    private static final Pattern ADDRESS_LIKE = Pattern.compile("[0-9.*]+");

    /** One parsed grant: exactly one of {@code namePattern} (lower case) and {@code range} is set. */
    record Grant(String namePattern, Cidr range, int firstPort, int lastPort, String network) {

        boolean grants(String inNetwork, ForwardDestination destination, int port) {
            if (port < firstPort || port > lastPort || (network != null && !network.equals(inNetwork))) {
                return false;
            }
            if (range != null) {
                // A reserved address (loopback, link-local, the gateway's own...) opens only to a CIDR inside its range.
                return destination.address() != null && range.contains(destination.address())
                        && (destination.reserved() == null || range.within(destination.reserved()));
            }
            String name = destination.name().toLowerCase(Locale.ROOT);
            boolean literal = destination.address() != null && Cidr.literal(destination.name()) != null;
            // An address-like pattern (10.0.*.*) matches only addresses the client sent, never a DNS name shaped like one.
            if (ADDRESS_LIKE.matcher(namePattern).matches() != literal) {
                return false;
            }
            return destination.reserved() == null && Wildcards.matchesWithinLabels(namePattern, name);
        }
    }

    private Destinations() {}

    public static void requireValidPattern(String field, String pattern) {
        try {
            parse(pattern);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(field, e.getMessage());
        }
    }

    /** Parses a grant; the exception says what is wrong in words fit for an API client. */
    static Grant parse(String pattern) {
        Matcher m = pattern == null ? null : PATTERN.matcher(pattern);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("must be host:port[@network], where host is a name that may use '*', "
                    + "an address or a CIDR (10.20.0.0/16, [fd00::/8]), and port is 1-65535, a range 1000-1999 or '*'");
        }
        String host = m.group(1);
        String ports = m.group(2);
        int first = 1;
        int last = 65535;
        if (!"*".equals(ports)) {
            int dash = ports.indexOf('-');
            first = Integer.parseInt(dash < 0 ? ports : ports.substring(0, dash));
            last = dash < 0 ? first : Integer.parseInt(ports.substring(dash + 1));
            if (first < 1 || last > 65535 || first > last) {
                throw new IllegalArgumentException("port must be 1-65535, a range low-high within it, or '*'");
            }
        }
        Cidr range = null;
        String name = null;
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (bare.contains("/")) {
            range = Cidr.parse(bare);
        } else if (Cidr.literal(bare) != null) {
            range = Cidr.of(Cidr.literal(bare));
        } else if (host.startsWith("[") || !NAME_PATTERN.matcher(host).matches()) {
            throw new IllegalArgumentException("'" + bare + "' is not an IPv4 or IPv6 address");
        } else {
            name = host.toLowerCase(Locale.ROOT);
        }
        if (range != null && host.startsWith("[") == (range.base() instanceof java.net.Inet4Address)) {
            throw new IllegalArgumentException("IPv6 addresses and ranges are written in brackets ([fd00::/8]:22), "
                    + "IPv4 ones without");
        }
        return new Grant(name, range, first, last, m.group(3));
    }

    /** Whether {@code pattern} (valid) grants {@code destination}:{@code port} in {@code network}. */
    public static boolean grants(String pattern, String network, ForwardDestination destination, int port) {
        return parse(pattern).grants(network, destination, port);
    }

    /** Whether {@code pattern} (valid) grants {@code host}:{@code port}, unresolved, in any network it names. */
    public static boolean grants(String pattern, String host, int port) {
        Grant grant = parse(pattern);
        return grant.grants(grant.network(), ForwardDestination.unresolved(host), port);
    }

    /** The network {@code pattern} (valid) is tied to, or null. */
    static String network(String pattern) {
        return parse(pattern).network();
    }
}
