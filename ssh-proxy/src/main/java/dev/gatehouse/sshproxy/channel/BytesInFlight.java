package dev.gatehouse.sshproxy.channel;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.channel.Channel;

/**
 * Channel data handed to the SSH session towards one channel's peer and not yet written to its socket. A peer may
 * advertise a 4 GiB window and stop reading; the session would then queue whatever the writer hands it. This budget,
 * shared by all of a channel's writers, makes them wait instead, so the source is held back by its own SSH window.
 */
public final class BytesInFlight {

    /** Per channel: enough to keep a fast client's pipe full, small enough for thousands of channels. */
    public static final int BUDGET = 1 << 20;

    private static final AttributeKey<BytesInFlight> KEY = new AttributeKey<>();
    private static final long RECHECK_MILLIS = 1000;

    private final int budget;
    private long bytes;

    BytesInFlight(int budget) {
        this.budget = budget;
    }

    /** The budget of {@code channel}, created with its first writer. */
    static BytesInFlight of(Channel channel) {
        return channel.computeAttributeIfAbsent(KEY, k -> new BytesInFlight(BUDGET));
    }

    /** Bytes in flight towards {@code channel}'s peer right now (0 if nothing was ever written). */
    public static long on(Channel channel) {
        BytesInFlight inFlight = channel.getAttribute(KEY);
        return inFlight == null ? 0 : inFlight.bytes();
    }

    public synchronized long bytes() {
        return bytes;
    }

    /** Waits until {@code length} more bytes fit the budget (one packet always may go), then counts them. */
    synchronized void acquire(int length, Channel channel) throws IOException {
        while (bytes > 0 && bytes + length > budget) {
            if (channel.isClosing() || !channel.isOpen()) {
                throw new EOFException("channel " + channel.getChannelId() + " is closing");
            }
            try {
                wait(RECHECK_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while the peer was not reading");
            }
        }
        bytes += length;
    }

    /** How many of {@code want} bytes fit the budget now (all of them when nothing is in flight); never waits. */
    synchronized int room(int want) {
        return bytes == 0 ? want : (int) Math.max(0, Math.min(want, budget - bytes));
    }

    /** Counts {@code length} bytes handed to the session (after {@link #room}). */
    synchronized void add(int length) {
        bytes += length;
    }

    /** The session wrote (or gave up on) {@code length} bytes. */
    synchronized void release(int length) {
        bytes -= length;
        notifyAll();
    }
}
