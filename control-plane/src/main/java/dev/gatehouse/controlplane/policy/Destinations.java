package dev.gatehouse.controlplane.policy;

import dev.gatehouse.controlplane.api.ApiException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code host:port} forward-destination patterns: the host may hold {@code *}, the port is a number or {@code *}. */
public final class Destinations {

    private static final Pattern PATTERN = Pattern.compile("([A-Za-z0-9.*_-]{1,253}):(\\*|[0-9]{1,5})");

    private Destinations() {}

    public static void requireValidPattern(String field, String pattern) {
        Matcher m = pattern == null ? null : PATTERN.matcher(pattern);
        if (m == null || !m.matches()) {
            throw ApiException.invalid(field, "must be host:port, where host may use '*' and port is 1-65535 or '*'");
        }
        if (!"*".equals(m.group(2))) {
            int port = Integer.parseInt(m.group(2));
            if (port < 1 || port > 65535) {
                throw ApiException.invalid(field, "port must be 1-65535 or '*'");
            }
        }
    }

    /** Whether {@code pattern} (valid) grants {@code host}:{@code port}. Host names compare case-insensitively. */
    public static boolean grants(String pattern, String host, int port) {
        int colon = pattern.lastIndexOf(':');
        String hostPattern = pattern.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
        String portPattern = pattern.substring(colon + 1);
        return ("*".equals(portPattern) || Integer.parseInt(portPattern) == port)
                && Wildcards.matches(hostPattern, host.toLowerCase(java.util.Locale.ROOT));
    }
}
