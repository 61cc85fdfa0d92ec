package dev.gatehouse.sshproxy.session;

import dev.gatehouse.audit.recording.ChannelStream;
import dev.gatehouse.sshproxy.channel.ChannelSender;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelDataReceiver;
import org.apache.sshd.server.channel.ChannelSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engineer's end of one relayed shell or exec: one client channel attached to a {@link TargetLeg}. The target's
 * output is queued on the client channel's {@link ChannelSender} as it comes (stdout, stderr, notices, EOF and the
 * exit in the target's order); the client's input arrives in MINA's read callback ({@link ChannelDataReceiver}) and
 * goes straight to the target leg, the client's window opening once the target's session wrote it. Input that comes
 * before the target leg is connected waits here (bounded by the client's window, which stays closed meanwhile).
 */
final class Attachment implements TargetLeg.Output, ChannelDataReceiver {

    private static final Logger LOG = LoggerFactory.getLogger(Attachment.class);

    private final ChannelSession channel;
    private final ChannelSender toClient;
    private final ExitCallback exit;
    private final boolean pty;
    private final List<byte[]> early = new ArrayList<>();
    private boolean eofEarly;
    private volatile TargetLeg leg;

    Attachment(ChannelSession channel, ExitCallback exit, boolean pty) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.exit = Objects.requireNonNull(exit, "exit");
        this.toClient = ChannelSender.of(channel);
        this.pty = pty;
    }

    /** The client channel this attachment writes to. */
    ChannelSession channel() {
        return channel;
    }

    /** Connects the client's input to {@code target}: what came before goes first, in order. */
    void connect(TargetLeg target) {
        boolean eof;
        synchronized (this) {
            for (byte[] data : early) {
                target.input(data, 0, data.length, () -> consumed(data.length));
            }
            early.clear();
            eof = eofEarly;
            leg = target;
        }
        if (eof) {
            target.inputEnded();
        }
    }

    /**
     * Stops writing to the client and returns what was not handed to its session yet (for a session kept while the
     * engineer is away); the caller runs their {@link ChannelSender.Piece#release()} once it took them.
     */
    List<ChannelSender.Piece> detach() {
        return toClient.stop();
    }

    // --- the client's input (MINA's read callback, on the client connection's I/O thread) ---------------------

    @Override
    public int data(ChannelSession from, byte[] data, int offset, int length) {
        TargetLeg target = leg;
        if (target == null) {
            synchronized (this) {
                if (leg == null) {
                    early.add(Arrays.copyOfRange(data, offset, offset + length));
                    return 0;
                }
                target = leg;
            }
        }
        target.input(data, offset, length, () -> consumed(length));
        return 0; // the window opens once the target's session wrote the bytes
    }

    /** Called at the client's EOF, and when the channel closes. Only a real EOF is passed on. */
    @Override
    public void close() {
        if (!channel.isEofSignalled()) {
            return;
        }
        TargetLeg target;
        synchronized (this) {
            target = leg;
            if (target == null) {
                eofEarly = true;
                return;
            }
        }
        target.inputEnded();
    }

    private void consumed(int length) {
        try {
            channel.getLocalWindow().release(length);
        } catch (IOException e) {
            LOG.trace("opening the client's window failed", e);
        }
    }

    // --- the target's output (TargetLeg.Output) --------------------------------------------------------------

    @Override
    public void data(ChannelStream stream, byte[] data, int offset, int length, Runnable taken) {
        toClient.send(stream == ChannelStream.STDERR, data, offset, length, taken);
    }

    @Override
    public void eof() {
        toClient.then(() -> {
            if (channel instanceof GatewayChannelSession gateway) {
                gateway.endOutput();
            }
        });
    }

    @Override
    public void notice(String message) {
        tell(message, true);
    }

    @Override
    public void ended(Integer exitStatus, String exitSignal, String lost) {
        if (lost != null) {
            // The tunnel to the target broke for a reason the gateway knows (the agent was revoked, say): say so.
            String message = lost;
            tell(message, false);
            toClient.then(() -> exit.onExit(255, message));
            return;
        }
        if (exitSignal != null && exitStatus == null && channel instanceof GatewayChannelSession gateway) {
            toClient.then(() -> gateway.endBySignal(exitSignal));
            return;
        }
        toClient.then(() -> exit.onExit(exitStatus == null ? 255 : exitStatus));
    }

    /** A gateway line on the client's stderr; {@code midSession} starts it on a line of its own on a terminal. */
    void tell(String message, boolean midSession) {
        String line = (pty && midSession ? "\r\n" : "") + "gatehouse: " + message + (pty ? "\r\n" : "\n");
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        toClient.send(true, bytes, 0, bytes.length, null);
    }
}
