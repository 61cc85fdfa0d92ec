package dev.gatehouse.sshproxy.channel;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.AbstractChannel;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.channel.RemoteWindow;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Channel data towards one channel's peer, sent without blocking anyone: each piece is queued in order and handed to
 * the SSH session as the peer's window and the channel's {@link BytesInFlight} budget allow. A piece's callback runs
 * once the session has written all of it to the socket, so whoever supplied it (the other leg of a relay) opens its
 * own window only then: memory per channel is bounded by the source's window, never by the peer's. Actions queued
 * between pieces (EOF, exit status, a gateway notice's place) run in order, once every piece before them is handed on.
 *
 * <p>Thread-safe; any thread may queue. Pieces are sent by whichever thread queues, frees window or completes a write
 * (MINA's I/O threads), one at a time; callbacks and actions run there and must not block.
 */
public final class ChannelSender {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelSender.class);
    private static final AttributeKey<ChannelSender> KEY = new AttributeKey<>();
    private static final String WINDOW_ADJUST = "SSH_MSG_CHANNEL_WINDOW_ADJUST";

    /** A piece of channel data not yet handed to the session, or an action; {@code written} runs once it is written. */
    public static final class Piece {
        private final boolean stderr;
        private final byte[] data;
        private final Runnable action;
        private final Runnable written;
        private int handed;
        private int outstanding;

        private Piece(boolean stderr, byte[] data, Runnable action, Runnable written) {
            this.stderr = stderr;
            this.data = data;
            this.action = action;
            this.written = written;
        }

        /** Whether this piece is data (else an action). */
        public boolean isData() {
            return data != null;
        }

        public boolean stderr() {
            return stderr;
        }

        /** The bytes not yet handed to the session (a copy). */
        public byte[] unsent() {
            return java.util.Arrays.copyOfRange(data, handed, data.length);
        }

        /** Runs the piece's callback (for a caller that takes unsent pieces over). */
        public void release() {
            if (written != null) {
                written.run();
            }
        }
    }

    private final AbstractChannel channel;
    private final BytesInFlight inFlight;
    private final ArrayDeque<Piece> queue = new ArrayDeque<>();
    private boolean pumping;
    private boolean again;
    private boolean stopped;

    private ChannelSender(AbstractChannel channel, BytesInFlight inFlight) {
        this.channel = channel;
        this.inFlight = inFlight;
        channel.addChannelListener(new ChannelListener() {
            @Override
            public void channelStateChanged(Channel changed, String hint) {
                if (WINDOW_ADJUST.equals(hint)) {
                    pump();
                }
            }
        });
    }

    /** The sender of {@code channel}, created on first use. */
    public static ChannelSender of(AbstractChannel channel) {
        Objects.requireNonNull(channel, "channel");
        // Not inside the computation below: the attributes are one ConcurrentHashMap, which refuses a nested update
        // ("Recursive update") when both keys fall in one bin.
        BytesInFlight inFlight = BytesInFlight.of(channel);
        return channel.computeAttributeIfAbsent(KEY, k -> new ChannelSender(channel, inFlight));
    }

    /** Queues a copy of {@code data}; {@code written} (may be null) runs once the session wrote all of it. */
    public void send(boolean stderr, byte[] data, int offset, int length, Runnable written) {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (length == 0) {
            if (written != null) {
                written.run();
            }
            return;
        }
        byte[] copy = java.util.Arrays.copyOfRange(data, offset, offset + length);
        if (!enqueue(new Piece(stderr, copy, null, written))) {
            if (written != null) {
                written.run();
            }
            return;
        }
        pump();
    }

    /** Queues {@code action} behind what is queued now. */
    public void then(Runnable action) {
        if (enqueue(new Piece(false, null, Objects.requireNonNull(action, "action"), null))) {
            pump();
        }
    }

    /**
     * Stops sending and returns what was not handed to the session yet, in order (pieces partly handed keep only their
     * rest): for a caller that moves a relay's output elsewhere (a detached session's ring). Their callbacks are the
     * caller's to run.
     */
    public synchronized List<Piece> stop() {
        stopped = true;
        List<Piece> rest = new ArrayList<>(queue);
        queue.clear();
        return rest;
    }

    /** Bytes queued and not yet handed to the session. */
    public synchronized long queuedBytes() {
        long n = 0;
        for (Piece p : queue) {
            n += p.isData() ? p.data.length - p.handed : 0;
        }
        return n;
    }

    private synchronized boolean enqueue(Piece piece) {
        if (stopped) {
            return false;
        }
        queue.add(piece);
        return true;
    }

    /** Hands queued pieces to the session while window and budget allow; one thread at a time, others leave a note. */
    private void pump() {
        synchronized (this) {
            if (pumping) {
                again = true;
                return;
            }
            pumping = true;
        }
        while (true) {
            Piece head;
            int length = 0;
            synchronized (this) {
                head = queue.peek();
                if (head != null && head.isData()) {
                    length = sendable(head);
                }
                if (head == null || (head.isData() && length <= 0)) {
                    if (again) {
                        again = false;
                        continue;
                    }
                    pumping = false;
                    return;
                }
                if (!head.isData() || head.handed == head.data.length) {
                    queue.poll();
                }
            }
            if (head.isData()) {
                hand(head, length);
            } else {
                runQuietly(head.action);
            }
        }
    }

    /** How much of {@code piece} may go now: the peer's window, the packet size and the budget. */
    private int sendable(Piece piece) {
        if (channel.isClosed()) {
            return 0;
        }
        RemoteWindow window = channel.getRemoteWindow();
        long size = Math.min(window.getSize(), window.getPacketSize());
        int want = (int) Math.min(size, piece.data.length - piece.handed);
        int length = inFlight.room(want);
        if (length > 0) {
            window.consume(length);
            inFlight.add(length);
            piece.handed += length;
            piece.outstanding++;
        }
        return length;
    }

    private void hand(Piece piece, int length) {
        int from = piece.handed - length;
        Buffer packet;
        if (piece.stderr) {
            packet = channel.getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_EXTENDED_DATA, length + 20);
            packet.putUInt(channel.getRecipient());
            packet.putUInt(SshConstants.SSH_EXTENDED_DATA_STDERR);
        } else {
            packet = channel.getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_DATA, length + 16);
            packet.putUInt(channel.getRecipient());
        }
        packet.putBytes(piece.data, from, length);
        try {
            channel.writePacket(packet).addListener(done -> written(piece, length));
        } catch (IOException | RuntimeException e) {
            LOG.debug("channel data towards {} not sent", channel, e);
            written(piece, length);
        }
    }

    private void written(Piece piece, int length) {
        inFlight.release(length);
        boolean whole;
        synchronized (this) {
            piece.outstanding--;
            whole = piece.outstanding == 0 && piece.handed == piece.data.length;
        }
        if (whole && piece.written != null) {
            runQuietly(piece.written);
        }
        pump();
    }

    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("relay step failed: {}", e.toString(), e);
        }
    }
}
