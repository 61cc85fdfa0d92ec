package dev.gatehouse.sshproxy.server;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Counts connections that have not authenticated yet, per source address and in total, and refuses more than the
 * limits: a client holding many half-open logins (each may wait for the authentication timeout) cannot take the
 * bastion's capacity. Entries exist only while such connections do, so the map is bounded by the total limit.
 */
final class UnauthenticatedConnections {

    private final int perAddress;
    private final int total;
    private final Map<String, Integer> byAddress = new HashMap<>();
    private int open;

    UnauthenticatedConnections(BastionConfig.AuthLimits limits) {
        Objects.requireNonNull(limits, "limits");
        this.perAddress = limits.unauthenticatedPerAddress();
        this.total = limits.unauthenticatedTotal();
    }

    /** Counts one more connection from {@code address}, or says why not (null when admitted). */
    synchronized String admit(String address) {
        int fromAddress = byAddress.getOrDefault(address, 0);
        if (open >= total) {
            return "too many connections waiting to authenticate (limit " + total + ")";
        }
        if (fromAddress >= perAddress) {
            return "too many connections from " + address + " waiting to authenticate (limit " + perAddress + ")";
        }
        byAddress.put(address, fromAddress + 1);
        open++;
        return null;
    }

    /** The connection from {@code address} has authenticated or closed. */
    synchronized void release(String address) {
        Integer fromAddress = byAddress.get(address);
        if (fromAddress == null) {
            return;
        }
        if (fromAddress == 1) {
            byAddress.remove(address);
        } else {
            byAddress.put(address, fromAddress - 1);
        }
        open--;
    }
}
