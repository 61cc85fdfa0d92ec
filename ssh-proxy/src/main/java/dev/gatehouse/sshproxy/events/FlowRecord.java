package dev.gatehouse.sshproxy.events;

import java.time.Duration;

/** A finished port-forward flow: where it went and how much crossed each way. */
public record FlowRecord(String destination, String network, String originator, long bytesToDestination,
                         long bytesFromDestination, Duration duration) {
}
