package dev.gatehouse.controlplane.hosts;

import dev.gatehouse.controlplane.api.ApiException;
import dev.gatehouse.sshproxy.access.HostAndPort;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The API's check of a host's {@code address}: stricter than {@link HostAndPort#parse}, and a refusal names the field. */
final class HostAddresses {

    /** A DNS name, IPv4, or {@code [IPv6]}, and a port: how a target is reached inside its network. */
    private static final Pattern SYNTAX = Pattern.compile(
            "(?<host>[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]{2,45}\\]):(?<port>[0-9]{1,5})");

    private HostAddresses() {
    }

    /** Parses {@code address}, refusing it with a message naming {@code field}. */
    static HostAndPort parse(String field, String address) {
        Matcher m = address == null ? null : SYNTAX.matcher(address);
        if (m == null || !m.matches()) {
            throw ApiException.invalid(field, "must be host:port (a DNS name, IPv4 address or [IPv6] address, and a port)");
        }
        int port = Integer.parseInt(m.group("port"));
        if (port < 1 || port > 65535) {
            throw ApiException.invalid(field, "port must be 1-65535");
        }
        String host = m.group("host");
        return new HostAndPort(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port);
    }
}
