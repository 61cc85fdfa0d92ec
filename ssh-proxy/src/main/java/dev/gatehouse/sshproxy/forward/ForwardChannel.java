package dev.gatehouse.sshproxy.forward;

import dev.gatehouse.sshproxy.channel.ChannelDataWriter;
import dev.gatehouse.sshproxy.dial.DialedConnection;
import dev.gatehouse.sshproxy.dial.NonBlockingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.AbstractServerChannel;
import org.apache.sshd.server.session.ServerSession;

/**
 * A {@code direct-tcpip} channel ({@code ssh -J}, {@code -W}, {@code -L}) relayed to a dialled byte stream. The
 * decision and the dial happen in {@link ForwardOpener} off the I/O thread. Towards the destination the client's SSH
 * window is given back only once the destination took the bytes, so a slow destination slows the client instead of
 * filling memory: a socket gets them from a queue and a pump thread, a tunnel stream ({@link NonBlockingOutput})
 * straight from the I/O thread. Towards the client, {@link ChannelDataWriter} waits for the client's window and for the
 * channel's in-flight budget.
 */
public final class ForwardChannel extends AbstractServerChannel {

    private static final byte[] EOF = new byte[0];
    /** Two SSH packets of 32 KiB: a tunnel stream hands over what it has queued in one read. */
    private static final int CHUNK = 64 * 1024;

    private final ChannelEndpoint opener;
    private final BlockingQueue<byte[]> towardsDestination = new LinkedBlockingQueue<>();
    private final AtomicLong bytesOut = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();
    private volatile DialedConnection connection;
    /** Set when the destination takes data without blocking: then no thread pumps towards it. */
    private volatile NonBlockingOutput direct;
    /** Bytes the client sent that its window has not been given back for, while the destination asks to wait. */
    private final AtomicLong heldWindow = new AtomicLong();

    /** Whether the channel open names a destination and an originator (all but agent channels do). */
    private final boolean addressed;

    ForwardChannel(ChannelEndpoint opener) {
        this(opener, true);
    }

    ForwardChannel(ChannelEndpoint opener, boolean addressed) {
        super("", java.util.List.of(), null);
        this.opener = opener;
        this.addressed = addressed;
    }

    @Override
    protected OpenFuture doInit(Buffer buffer) {
        String host = addressed ? buffer.getString() : "";
        int port = addressed ? buffer.getInt() : 0;
        String originator = addressed ? buffer.getString() + ":" + buffer.getInt() : "";
        DefaultOpenFuture future = new DefaultOpenFuture(this, futureLock);
        Thread.ofVirtual().name("forward-open-" + getChannelId()).start(() -> {
            try {
                connection = opener.open(this, host, port, originator);
                direct = connection.nonBlockingOutput().orElse(null);
                // MINA sends the open confirmation from this signal, so it must precede any data.
                signalChannelOpenSuccess();
                future.setOpened();
                Thread.ofVirtual().name("forward-in-" + getChannelId()).start(this::pumpFromDestination);
                if (direct == null) {
                    Thread.ofVirtual().name("forward-out-" + getChannelId()).start(this::pumpToDestination);
                }
            } catch (ForwardRefusedException e) {
                fail(future, SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, e.getMessage());
            } catch (IOException | RuntimeException e) {
                fail(future, SshConstants.SSH_OPEN_CONNECT_FAILED, e.getMessage());
            }
        });
        return future;
    }

    private void fail(DefaultOpenFuture future, int reasonCode, String reason) {
        // MINA replaces the failure text with a generic one; ExplainedOpenFailures puts this reason back (towards
        // clients only: a target opening a channel back is not told more than that it failed).
        if (getSession() instanceof ServerSession) {
            ExplainedOpenFailures.explain(getSession(), getRecipient(), reason);
        }
        SshChannelOpenException failure = new SshChannelOpenException(getChannelId(), reasonCode, reason);
        signalChannelOpenFailure(failure);
        future.setException(failure);
        // MINA leaves a refused channel registered: without this, 32 refused opens use up the connection's channels.
        ConnectionService service = getSession().getService(ConnectionService.class);
        if (service != null) {
            service.unregisterChannel(this);
        }
    }

    /**
     * Destination to client, each read sent at once as channel data ({@link ChannelDataWriter}); what is in flight is
     * bounded by the client's window and the channel's {@link dev.gatehouse.sshproxy.channel.BytesInFlight} budget.
     */
    private void pumpFromDestination() {
        byte[] buffer = new byte[CHUNK];
        try {
            InputStream in = connection.input();
            OutputStream toClient = new ChannelDataWriter(this);
            int n;
            while ((n = in.read(buffer)) >= 0) {
                toClient.write(buffer, 0, n);
                bytesIn.addAndGet(n);
            }
            sendEof();
        } catch (IOException e) {
            // A broken destination (or client) ends the whole channel, not only this direction.
            log.trace("destination read ended", e);
            close(false);
        }
        finishDirection();
    }

    private void pumpToDestination() {
        try {
            OutputStream out = connection.output();
            while (true) {
                byte[] chunk = towardsDestination.take();
                if (chunk == EOF) {
                    connection.shutdownOutput();
                    break;
                }
                out.write(chunk);
                out.flush();
                bytesOut.addAndGet(chunk.length);
                getLocalWindow().release(chunk.length);
            }
        } catch (IOException e) {
            log.trace("destination write ended", e);
            close(false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finishDirection();
    }

    private final AtomicLong finished = new AtomicLong();

    private void finishDirection() {
        if (finished.incrementAndGet() == 2) {
            close(false);
        }
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) {
        NonBlockingOutput out = direct;
        if (out == null) {
            towardsDestination.add(Arrays.copyOfRange(data, off, off + (int) len));
            return;
        }
        // Counted as held before the offer: a resume that runs before this method returns gives it back too.
        heldWindow.addAndGet(len);
        try {
            if (out.offer(data, off, (int) len, this::releaseHeldWindow)) {
                releaseHeldWindow();
            }
            bytesOut.addAndGet(len);
        } catch (IOException e) {
            log.trace("destination write ended", e);
            close(false);
        }
    }

    private void releaseHeldWindow() {
        long held = heldWindow.getAndSet(0);
        if (held > 0) {
            try {
                getLocalWindow().release(held);
            } catch (IOException e) {
                log.trace("window adjust failed", e);
                close(false);
            }
        }
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
        throw new IOException("direct-tcpip channels carry no extended data");
    }

    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        if (direct == null) {
            towardsDestination.add(EOF);
            return;
        }
        try {
            connection.shutdownOutput();
        } catch (IOException e) {
            log.trace("destination half-close failed", e);
            close(false);
        }
        finishDirection();
    }

    @Override
    protected void preClose() {
        DialedConnection open = connection;
        if (open != null) {
            try {
                open.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        towardsDestination.add(EOF);
        opener.closed(this, bytesOut.get(), bytesIn.get());
        super.preClose();
    }
}
