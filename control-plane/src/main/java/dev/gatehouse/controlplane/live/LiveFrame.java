package dev.gatehouse.controlplane.live;

import java.util.Base64;

/**
 * One step of a live terminal as a bastion node relays it to the control plane: {@code start} and {@code resize}
 * carry the size, {@code output} the bytes (base64), {@code end} the reason.
 */
public record LiveFrame(String type, int columns, int rows, String data, String reason) {

    public static LiveFrame start(int columns, int rows) {
        return new LiveFrame("start", columns, rows, null, null);
    }

    public static LiveFrame resize(int columns, int rows) {
        return new LiveFrame("resize", columns, rows, null, null);
    }

    public static LiveFrame output(byte[] data) {
        return new LiveFrame("output", 0, 0, Base64.getEncoder().encodeToString(data), null);
    }

    public static LiveFrame end(String reason) {
        return new LiveFrame("end", 0, 0, null, reason);
    }

    /** The bytes of an {@code output} frame. */
    byte[] bytes() {
        return data == null ? new byte[0] : Base64.getDecoder().decode(data);
    }

    /** Bytes this frame holds in memory, for bounding a relay's queue. */
    public int size() {
        return 64 + (data == null ? 0 : data.length()) + (reason == null ? 0 : reason.length());
    }
}
