package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.channel.ChannelDataWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;

/**
 * The engineer's end of one relayed shell or command. While attached, output goes to the client's channel and input
 * comes from it; when the client's connection is lost and the session is held for re-attach, output goes to a bounded
 * ring and input waits; a later connection of the same person takes the ring's contents and carries on.
 */
final class ClientLeg {

    /** Output kept while detached: the newest 1 MiB of stdout (a terminal's whole output) and 64 KiB of stderr. */
    static final int RING_BYTES = 1024 * 1024;
    static final int ERROR_RING_BYTES = 64 * 1024;
    /** How long a writer whose client write failed waits for the gateway to decide: detached, or closed. */
    private static final Duration DECISION_WAIT = Duration.ofSeconds(30);

    /** One client channel's streams; stdout is written through a {@link ChannelDataWriter}. */
    record Attachment(ChannelSession channel, InputStream in, OutputStream out, OutputStream err, ExitCallback exit,
                      boolean pty) {

        Attachment {
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(in, "in");
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(err, "err");
            Objects.requireNonNull(exit, "exit");
        }

        static Attachment of(ChannelSession channel, InputStream in, OutputStream err, ExitCallback exit, boolean pty) {
            return new Attachment(channel, in, new ChannelDataWriter(channel), err, exit, pty);
        }
    }

    private enum State { ATTACHED, DETACHED, CLOSED }

    /** The relay behind the leg: what a client channel asks of the target, whichever channel is attached. */
    interface Relay {
        /** The attached client channel closed while its connection lives on (a lost connection detaches first). */
        void lost(ClientLeg leg, ChannelSession channel);

        void windowChanged(int columns, int rows);

        void signal(Signal signal);
    }

    private final Relay relay;
    private final OutputRing stdout = new OutputRing(RING_BYTES);
    private final OutputRing stderr = new OutputRing(ERROR_RING_BYTES);
    private Attachment current;
    private State state = State.ATTACHED;
    private Instant detachedAt;

    ClientLeg(Attachment first, Relay relay) {
        this.current = Objects.requireNonNull(first, "first");
        this.relay = Objects.requireNonNull(relay, "relay");
    }

    Relay relay() {
        return relay;
    }

    /** The command on {@code channel} is being destroyed: when it is this leg's client, the relay decides. */
    void lost(ChannelSession channel) {
        if (attachedTo(channel)) {
            relay.lost(this, channel);
        }
    }

    /** A gateway notice on the attached client's stderr, on a line of its own; nothing while detached. */
    void notice(String message) {
        Attachment to;
        synchronized (this) {
            to = state == State.ATTACHED ? current : null;
        }
        if (to != null) {
            String newline = to.pty() ? "\r\n" : "\n";
            try {
                to.err().write(((to.pty() ? newline : "") + "gatehouse: " + message + newline)
                        .getBytes(StandardCharsets.UTF_8));
                to.err().flush();
            } catch (IOException ignored) {
                // the client is going: nothing left to tell
            }
        }
    }

    /** Passes the target's output on to the client, or keeps it while detached. */
    void write(boolean error, byte[] data, int length) {
        Attachment to;
        while ((to = attachedOrKeep(error, data, length)) != null) {
            try {
                (error ? to.err() : to.out()).write(data, 0, length);
                (error ? to.err() : to.out()).flush();
                return;
            } catch (IOException e) {
                // The client's channel is going: once the gateway decided (held, or closed), write there again.
                awaitDecision(to);
            }
        }
    }

    private synchronized Attachment attachedOrKeep(boolean error, byte[] data, int length) {
        if (state == State.DETACHED) {
            (error ? stderr : stdout).append(data, 0, length);
        }
        return state == State.ATTACHED ? current : null;
    }

    /**
     * Reads the client's input: -1 at the client's own EOF, or once the leg is closed. While detached it waits for
     * the next attachment; input lost with a connection is the client's (its keystrokes never arrived).
     */
    int read(byte[] buffer) {
        while (true) {
            Attachment from = awaitAttachedOrClosed(null);
            if (from == null || Thread.currentThread().isInterrupted()) {
                return -1;
            }
            int n;
            try {
                n = from.in().read(buffer);
            } catch (IOException e) {
                n = -2;
            }
            if (n >= 0) {
                return n;
            }
            if (n == -1 && from.channel().isOpen() && !from.channel().isClosing()) {
                return -1; // the client sent EOF on a channel that lives on
            }
            awaitDecision(from);
        }
    }

    /** The attachment the program's end is told to: waits while detached; null once closed. */
    Attachment awaitAttachedOrClosed(Duration limit) {
        long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
        synchronized (this) {
            while (state == State.DETACHED && System.nanoTime() < deadline) {
                if (!waitQuietly(Math.max(1, Math.min(1000, (deadline - System.nanoTime()) / 1_000_000)))) {
                    return null;
                }
            }
            return state == State.ATTACHED ? current : null;
        }
    }

    /** Whether {@code channel} is this leg's attached client channel. */
    synchronized boolean attachedTo(ChannelSession channel) {
        return state == State.ATTACHED && current.channel() == channel;
    }

    /** The client's connection was lost: keep output from now on. False when not attached. */
    synchronized boolean detach() {
        if (state != State.ATTACHED) {
            return false;
        }
        state = State.DETACHED;
        current = null;
        detachedAt = Instant.now();
        notifyAll();
        return true;
    }

    synchronized Instant detachedAt() {
        return detachedAt;
    }

    /**
     * Attaches a new client channel: {@code greeting} first, then what was kept (with a line saying how much was
     * overwritten), then the live output. False when the leg is no longer detached or the new client went away.
     */
    synchronized boolean attach(Attachment next, String greeting) {
        if (state != State.DETACHED) {
            return false;
        }
        String newline = next.pty() ? "\r\n" : "\n";
        StringBuilder notice = new StringBuilder("gatehouse: ").append(greeting).append(newline);
        long lost = stdout.overwritten() + stderr.overwritten();
        if (lost > 0) {
            notice.append("gatehouse: ").append(lost).append(" earlier bytes of output are not shown (more than ")
                    .append(RING_BYTES / 1024).append(" KiB while detached); the session recording has them")
                    .append(newline);
        }
        try {
            next.err().write(notice.toString().getBytes(StandardCharsets.UTF_8));
            next.err().flush();
            byte[] kept = stdout.contents();
            next.out().write(kept, 0, kept.length);
            byte[] keptErrors = stderr.contents();
            next.err().write(keptErrors, 0, keptErrors.length);
            next.err().flush();
        } catch (IOException e) {
            return false;
        }
        stdout.clear();
        stderr.clear();
        current = next;
        state = State.ATTACHED;
        detachedAt = null;
        notifyAll();
        return true;
    }

    /** Ends the leg: writes are dropped, reads end, nobody waits for an attachment any more. */
    synchronized void close() {
        state = State.CLOSED;
        notifyAll();
    }

    synchronized boolean closed() {
        return state == State.CLOSED;
    }

    private synchronized void awaitDecision(Attachment failed) {
        long deadline = System.nanoTime() + DECISION_WAIT.toNanos();
        while (state == State.ATTACHED && current == failed && System.nanoTime() < deadline) {
            if (!waitQuietly(200)) {
                return;
            }
        }
        if (state == State.ATTACHED && current == failed) {
            close(); // nobody decided: the channel is gone for good
        }
    }

    /** False when the waiting thread was interrupted (the relay is ending): it stops waiting, the leg stays. */
    private boolean waitQuietly(long millis) {
        try {
            wait(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
