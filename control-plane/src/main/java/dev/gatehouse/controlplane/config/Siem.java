package dev.gatehouse.controlplane.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code gatehouse.siem.*}: committed audit events, in chain order, and every signed checkpoint streamed to a SIEM.
 * {@code sink}: {@code none}, {@code file} (JSON lines appended to {@code file}) or {@code syslog} (RFC 5424 to
 * {@code syslog.address}, {@code host:port}, over TLS unless {@code syslog.tls=false}, trusting the CA certificates in
 * {@code syslog.trust}, a PEM file, or the JVM's when empty).
 */
public record Siem(@NotNull @DefaultValue("none") Sink sink, Path file, @Valid @NotNull @DefaultValue Syslog syslog) {

    public enum Sink { NONE, FILE, SYSLOG }

    public Siem {
        if (sink == Sink.FILE && file == null) {
            throw new InvalidSettingException("gatehouse.siem.file", "the path of the JSON lines file",
                    "missing while gatehouse.siem.sink is file");
        }
        if (sink == Sink.SYSLOG && syslog != null && syslog.address().isBlank()) {
            throw new InvalidSettingException("gatehouse.siem.syslog.address", "host:port of the syslog receiver",
                    "missing while gatehouse.siem.sink is syslog");
        }
    }

    /** {@code gatehouse.siem.syslog.*}; {@code hostname} is the HOSTNAME field (empty: this machine's name). */
    public record Syslog(@DefaultValue("") String address, @DefaultValue("true") boolean tls, Path trust,
            @DefaultValue("") String hostname) {

        public Syslog {
            if (!address.isBlank()) {
                socketAddress(address);
            }
            if (trust != null && !tls) {
                throw new InvalidSettingException("gatehouse.siem.syslog.trust", "a PEM file of CA certificates, with"
                        + " gatehouse.siem.syslog.tls=true", "set while TLS is off");
            }
        }

        /** The receiver's address, unresolved (resolved at each connection). */
        public InetSocketAddress socketAddress() {
            return socketAddress(address);
        }

        private static InetSocketAddress socketAddress(String text) {
            int colon = text.lastIndexOf(':');
            String host = colon > 0 ? text.substring(0, colon).replaceAll("^\\[(.*)]$", "$1") : "";
            String port = colon > 0 ? text.substring(colon + 1) : "";
            if (host.isBlank() || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1
                    || Integer.parseInt(port) > 65535) {
                throw new InvalidSettingException("gatehouse.siem.syslog.address", "host:port (e.g. siem.example:6514)",
                        "was '" + text + "'");
            }
            return InetSocketAddress.createUnresolved(host, Integer.parseInt(port));
        }
    }
}
