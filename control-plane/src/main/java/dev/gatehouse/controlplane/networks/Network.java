package dev.gatehouse.controlplane.networks;

/** A network hosts live in: {@code direct} (the gateway dials them itself) or one reached through tunnel agents. */
public record Network(String name, String description) {

    public static final String DIRECT = "direct";
}
