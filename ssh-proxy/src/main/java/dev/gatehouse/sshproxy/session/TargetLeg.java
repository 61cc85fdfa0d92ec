package dev.gatehouse.sshproxy.session;

import dev.gatehouse.audit.recording.ChannelStream;
import dev.gatehouse.sshproxy.channel.ChannelSender;
import dev.gatehouse.sshproxy.events.Activity;
import dev.gatehouse.sshproxy.events.BastionListener;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.PtyChannelConfiguration;
import org.apache.sshd.common.session.ConnectionService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target's end of one relayed shell or exec: the channel on the target, the recording of every stream, and the
 * order of what comes back. Its output goes to one {@link Output} at a time (the engineer's attached channel, or
 * whatever keeps it while nobody is attached), which can be swapped while the target runs. Nothing here waits on a
 * thread: the target's packets are recorded and handed on from the I/O thread that decrypted them, and the target's
 * window opens only when the output has taken them, so memory per channel is bounded by the gateway's own window.
 */
final class TargetLeg implements TargetChannel.Receiver {

    private static final Logger LOG = LoggerFactory.getLogger(TargetLeg.class);

    /** Where the target's output goes. Calls come in the target's order, one at a time; none may block. */
    interface Output {
        /** Bytes of stdout or stderr, valid only during the call; {@code taken} runs once they are passed on or kept. */
        void data(ChannelStream stream, byte[] data, int offset, int length, Runnable taken);

        /** The target's EOF (after all its data). */
        void eof();

        /** A gateway notice for the person, between whole writes of the target's output. */
        void notice(String message);

        /**
         * The target channel closed: its exit status or signal, or, both null, {@code lost} says why the connection
         * to the target was lost (a whole sentence; null when the gateway knows no reason).
         */
        void ended(Integer exitStatus, String exitSignal, String lost);
    }

    private record Early(ChannelStream stream, byte[] data) {
    }

    private final TargetChannel channel;
    private final ChannelSender toTarget;
    private final List<Early> early = new ArrayList<>();
    private volatile boolean started;
    private boolean endedEarly;
    /** Set under the lock once the target channel closed, before its end is passed to the output. */
    private boolean finished;
    private Output output;
    private Activity activity;
    private BastionListener listener;
    private Supplier<String> lostReason;
    private Runnable whenEnded;
    private WindowChanges windowChanges;

    private TargetLeg(TargetChannel channel) {
        this.channel = channel;
        this.toTarget = ChannelSender.of(channel);
        channel.receiver(this);
        channel.addCloseFutureListener(f -> closed());
    }

    /** Opens a shell ({@code command} null) or exec channel on {@code target}; output waits for {@link #start}. */
    static TargetLeg open(ClientSession target, String command, PtyChannelConfiguration pty, Map<String, String> env,
                          boolean usePty, boolean agent, Duration timeout) throws IOException {
        TargetChannel channel = new TargetChannel(command, pty, env);
        channel.setUsePty(usePty);
        channel.setAgentForwarding(agent);
        target.getService(ConnectionService.class).registerChannel(channel);
        TargetLeg leg = new TargetLeg(channel);
        channel.open().verify(timeout);
        return leg;
    }

    /**
     * Starts recording as {@code activity} and passing output to {@code first}; what the target sent before is passed
     * on now, in order. {@code whenEnded} runs once the target channel closed.
     */
    void start(Activity activity, BastionListener listener, Output first, Supplier<String> lostReason,
               Runnable whenEnded) {
        boolean ended;
        synchronized (this) {
            this.activity = Objects.requireNonNull(activity, "activity");
            this.listener = Objects.requireNonNull(listener, "listener");
            this.output = Objects.requireNonNull(first, "first");
            this.lostReason = Objects.requireNonNull(lostReason, "lostReason");
            this.whenEnded = Objects.requireNonNull(whenEnded, "whenEnded");
            this.windowChanges = new WindowChanges(this::resize);
            for (Early e : early) {
                if (e.stream() == null) {
                    output.eof();
                } else {
                    pass(e.stream(), e.data(), 0, e.data().length);
                }
            }
            early.clear();
            started = true;
            ended = endedEarly;
        }
        if (ended) {
            closed();
        }
    }

    /**
     * Replaces the output under the leg's lock, so no output is passed on meanwhile: {@code swap} gets the current
     * one and returns the next (it may move what the current one has not sent yet to the next).
     */
    synchronized Output swap(UnaryOperator<Output> swap) {
        Output previous = output;
        output = Objects.requireNonNull(swap.apply(previous), "next output");
        return previous;
    }

    /**
     * {@link #swap}, unless the target channel has closed: then nothing changes and the answer is null (its end went,
     * or goes, to the current output).
     */
    synchronized Output swapWhileOpen(UnaryOperator<Output> swap) {
        return finished ? null : swap(swap);
    }

    @Override
    public void data(ChannelStream stream, byte[] data, int offset, int length) {
        if (!started) {
            synchronized (this) {
                if (!started) {
                    early.add(new Early(stream, Arrays.copyOfRange(data, offset, offset + length)));
                    return;
                }
            }
        }
        pass(stream, data, offset, length);
    }

    private void pass(ChannelStream stream, byte[] data, int offset, int length) {
        if (stream == ChannelStream.STDERR) {
            listener.errorOutput(activity, data, offset, length);
        } else {
            listener.output(activity, data, offset, length);
        }
        // The target's window opens once the output took the bytes and the recorder caught up with them.
        Runnable resume = () -> channel.consumed(length);
        synchronized (this) {
            output.data(stream, data, offset, length, () -> listener.whenRecorded(activity, resume));
        }
    }

    @Override
    public void eof() {
        synchronized (this) {
            if (!started) {
                early.add(new Early(null, null));
                return;
            }
            output.eof();
        }
    }

    private void closed() {
        synchronized (this) {
            if (!started) {
                endedEarly = true;
                return;
            }
        }
        Integer status = channel.getExitStatus();
        String signal = channel.getExitSignal();
        listener.activityEnded(activity, status, signal, signal != null ? "signal" : "exit");
        String lost = status == null && signal == null ? lostReason.get() : null;
        synchronized (this) {
            finished = true;
            output.ended(status, signal, lost);
        }
        whenEnded.run();
    }

    /** A gateway notice for whoever is attached. */
    void notice(String message) {
        synchronized (this) {
            if (output != null) {
                output.notice(message);
            }
        }
    }

    /**
     * The engineer's input: recorded, then sent to the target; {@code taken} runs once the target's session wrote it
     * and the recorder caught up with it.
     */
    void input(byte[] data, int offset, int length, Runnable taken) {
        listener.input(activity, data, offset, length);
        toTarget.send(false, data, offset, length, () -> listener.whenRecorded(activity, taken));
    }

    /** The engineer's stdin ended: EOF to the target after the input before it. */
    void inputEnded() {
        toTarget.then(() -> {
            try {
                channel.eof();
            } catch (IOException e) {
                LOG.debug("sending EOF to the target failed", e);
            }
        });
    }

    /** A new terminal size, passed on coalesced (see {@link WindowChanges}). */
    void windowChanged(int columns, int rows) {
        windowChanges.changed(columns, rows);
    }

    void signal(String name) {
        if (channel.isOpen()) {
            try {
                ChannelRequests.signal(channel, name);
            } catch (IOException e) {
                LOG.debug("forwarding {} failed", name, e);
            }
        }
    }

    private void resize(int columns, int rows) {
        if (channel.isOpen()) {
            // Recorded first: the program may redraw (or exit, ending the recording) as soon as it has the size.
            listener.resized(activity, columns, rows);
            try {
                channel.sendWindowChange(columns, rows);
            } catch (IOException e) {
                LOG.debug("forwarding a window change failed", e);
            }
        }
    }

    /** Ends the target's side (the engineer's channel is gone for good). */
    void close() {
        channel.close(false);
    }
}
