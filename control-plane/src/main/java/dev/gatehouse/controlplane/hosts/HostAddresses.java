package dev.gatehouse.controlplane.hosts;

import dev.gatehouse.controlplane.api.ApiException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code host:port} as a target is reached inside its network: a DNS name, IPv4, or {@code [IPv6]}, and a port. */
public record HostAddress(String host, int port) {

    private static final Pattern SYNTAX = Pattern.compile(
            "(?<host>[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]{2,45}\\]):(?<port>[0-9]{1,5})");

    /** Parses {@code address}, refusing it with a message naming {@code field}. */
    public static HostAddress parse(String field, String address) {
        Matcher m = address == null ? null : SYNTAX.matcher(address);
        if (m == null || !m.matches()) {
            throw ApiException.invalid(field, "must be host:port (a DNS name, IPv4 address or [IPv6] address, and a port)");
        }
        int port = Integer.parseInt(m.group("port"));
        if (port < 1 || port > 65535) {
            throw ApiException.invalid(field, "port must be 1-65535");
        }
        String host = m.group("host");
        return new HostAddress(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port);
    }
}
