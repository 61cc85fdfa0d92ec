package dev.gatehouse.sshproxy.session;

/**
 * What a detached shell printed while nobody was connected: the newest {@code capacity} bytes, and how many older
 * ones were overwritten (they are in the recording, which keeps everything). Not thread-safe: {@link ClientLeg}
 * guards it.
 */
final class OutputRing {

    private final byte[] bytes;
    private int start;
    private int size;
    private long overwritten;

    OutputRing(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.bytes = new byte[capacity];
    }

    void append(byte[] data, int offset, int length) {
        if (length >= bytes.length) {
            overwritten += size + (length - bytes.length);
            System.arraycopy(data, offset + length - bytes.length, bytes, 0, bytes.length);
            start = 0;
            size = bytes.length;
            return;
        }
        int lost = Math.max(0, size + length - bytes.length);
        overwritten += lost;
        start = (start + lost) % bytes.length;
        size -= lost;
        int end = (start + size) % bytes.length;
        int first = Math.min(length, bytes.length - end);
        System.arraycopy(data, offset, bytes, end, first);
        System.arraycopy(data, offset + first, bytes, 0, length - first);
        size += length;
    }

    /** The kept bytes, oldest first. */
    byte[] contents() {
        byte[] copy = new byte[size];
        int first = Math.min(size, bytes.length - start);
        System.arraycopy(bytes, start, copy, 0, first);
        System.arraycopy(bytes, 0, copy, first, size - first);
        return copy;
    }

    /** How many bytes were overwritten by newer ones since the last {@link #clear()}. */
    long overwritten() {
        return overwritten;
    }

    void clear() {
        start = 0;
        size = 0;
        overwritten = 0;
    }
}
