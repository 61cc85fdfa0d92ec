package dev.gatehouse.sshproxy.channel;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.AbstractChannel;
import org.apache.sshd.common.channel.RemoteWindow;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * Channel data towards the peer, sent as soon as its window allows. MINA's own {@code ChannelOutputStream} keeps one
 * packet in flight and waits for it to reach the socket before the next (a thread hand-off per 32 KiB); this one
 * hands each packet to the session at once. What is in flight is bounded by the peer's window and by the channel's
 * {@link BytesInFlight} budget, whichever is smaller: never by the peer's window alone. Writes do not buffer ({@link #flush()} does nothing); {@link #close()} does not send EOF: the channel's own stream does that.
 * One writer thread at a time.
 */
public final class ChannelDataWriter extends OutputStream {

    private static final Duration WINDOW_WAIT = Duration.ofSeconds(30);

    private final AbstractChannel channel;
    private final BytesInFlight inFlight;

    public ChannelDataWriter(AbstractChannel channel) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.inFlight = BytesInFlight.of(channel);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] data, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, data.length);
        RemoteWindow window = channel.getRemoteWindow();
        int sent = 0;
        while (sent < length) {
            if (channel.isClosing()) {
                throw new EOFException("channel " + channel.getChannelId() + " is closing");
            }
            int packetLength = (int) Math.min(Math.min(length - sent, awaitSpace(window)), window.getPacketSize());
            inFlight.acquire(packetLength, channel);
            window.consume(packetLength);
            Buffer packet = channel.getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_DATA, packetLength + 16);
            packet.putUInt(channel.getRecipient());
            packet.putBytes(data, offset + sent, packetLength);
            int counted = packetLength;
            try {
                channel.writePacket(packet).addListener(written -> inFlight.release(counted));
            } catch (IOException | RuntimeException e) {
                inFlight.release(counted);
                throw e;
            }
            sent += packetLength;
        }
    }

    /** A peer that stops reading holds the writer for as long as it likes; the window closes with the channel. */
    private static long awaitSpace(RemoteWindow window) throws IOException {
        while (true) {
            try {
                return window.waitForSpace(WINDOW_WAIT);
            } catch (SocketTimeoutException stillFull) {
                // keep waiting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the peer's window");
            }
        }
    }
}
