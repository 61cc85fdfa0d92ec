package dev.gatehouse.controlplane.hosts;

import java.util.Map;
import java.util.Objects;

/**
 * A target host: {@code address} is {@code host:port} as reachable inside its {@code network}; {@code hostKey} is the
 * pinned OpenSSH public key line (null until set by an admin or learned on the first successful contact), and
 * {@code hostKeySource} says which ({@code admin}, {@code learned}).
 */
public record Host(String name, String address, Map<String, String> labels, String network, String hostKey,
        String hostKeySource) {

    public Host {
        Objects.requireNonNull(name, "name");
        labels = Map.copyOf(labels);
    }

    public Host withHostKey(String key, String source) {
        return new Host(name, address, labels, network, key, source);
    }
}
