package dev.gatehouse.sshproxy.session;

import dev.gatehouse.audit.recording.ChannelStream;
import dev.gatehouse.sshproxy.channel.ChannelSender;
import java.time.Instant;
import java.util.Objects;

/**
 * A relayed shell or exec whose engineer's end can be taken away and given back: while detached the target's output
 * goes to a {@link Kept} (bounded rings, the target's window kept open, its end remembered); re-attaching hands all of
 * it, after a greeting, to the new client channel's {@link Attachment}, which then carries on.
 */
final class DetachableRelay {

    /** Output kept while detached: the newest 1 MiB of stdout (a terminal's whole output) and 64 KiB of stderr. */
    static final int RING_BYTES = 1024 * 1024;
    static final int ERROR_RING_BYTES = 64 * 1024;

    private final TargetLeg leg;
    // Read without the relay's lock by detached(): a channel closing under the leg's lock asks it (see detach()).
    private volatile Kept kept;
    private Instant detachedAt;

    DetachableRelay(TargetLeg leg) {
        this.leg = Objects.requireNonNull(leg, "leg");
    }

    TargetLeg leg() {
        return leg;
    }

    /** The engineer's connection was lost: the target's output is kept from now on. False when already detached. */
    synchronized boolean detach() {
        if (kept != null) {
            return false;
        }
        Kept ring = new Kept();
        // The leg's lock is taken under this one; the leg's end, passed on under the leg's lock, may close the client
        // channel and ask detached(), which therefore takes no lock. A target that ended first is not kept.
        TargetLeg.Output previous = leg.swapWhileOpen(current -> {
            if (current instanceof Attachment old) {
                for (ChannelSender.Piece piece : old.detach()) {
                    if (piece.isData()) {
                        byte[] unsent = piece.unsent();
                        ring.data(piece.stderr() ? ChannelStream.STDERR : ChannelStream.STDOUT, unsent, 0,
                                unsent.length, null);
                    }
                    piece.release();
                }
            }
            kept = ring; // before the leg's lock goes: from then on its channel may close and ask detached()
            return ring;
        });
        if (previous == null) {
            return false;
        }
        detachedAt = Instant.now();
        return true;
    }

    boolean detached() {
        return kept != null;
    }

    synchronized Instant detachedAt() {
        return detachedAt;
    }

    /**
     * Gives the target's output to {@code next}: {@code greeting}, what was kept (with a line saying how much was
     * overwritten), the program's end if it came meanwhile, then the live output; {@code next}'s input goes to the
     * target. False when not detached.
     */
    synchronized boolean attach(Attachment next, String greeting) {
        Kept ring = kept;
        if (ring == null) {
            return false;
        }
        leg.swap(current -> {
            ring.replayTo(next, greeting);
            return next;
        });
        kept = null;
        detachedAt = null;
        next.connect(leg);
        return true;
    }

    /** The target's output while nobody is attached. Calls come one at a time under the leg's lock. */
    private static final class Kept implements TargetLeg.Output {

        private final OutputRing stdout = new OutputRing(RING_BYTES);
        private final OutputRing stderr = new OutputRing(ERROR_RING_BYTES);
        private boolean eof;
        private boolean ended;
        private Integer exitStatus;
        private String exitSignal;
        private String lost;

        @Override
        public void data(ChannelStream stream, byte[] data, int offset, int length, Runnable taken) {
            (stream == ChannelStream.STDERR ? stderr : stdout).append(data, offset, length);
            if (taken != null) {
                taken.run(); // kept: the target may send more (the ring drops the oldest, counted)
            }
        }

        @Override
        public void eof() {
            eof = true;
        }

        @Override
        public void notice(String message) {
            // nobody to tell
        }

        @Override
        public void ended(Integer exitStatus, String exitSignal, String lost) {
            this.ended = true;
            this.exitStatus = exitStatus;
            this.exitSignal = exitSignal;
            this.lost = lost;
        }

        void replayTo(Attachment next, String greeting) {
            next.notice(greeting);
            long overwritten = stdout.overwritten() + stderr.overwritten();
            if (overwritten > 0) {
                next.notice(overwritten + " earlier bytes of output are not shown (more than " + RING_BYTES / 1024
                        + " KiB while detached); the session recording has them");
            }
            byte[] out = stdout.contents();
            next.data(ChannelStream.STDOUT, out, 0, out.length, null);
            byte[] errors = stderr.contents();
            next.data(ChannelStream.STDERR, errors, 0, errors.length, null);
            if (eof) {
                next.eof();
            }
            if (ended) {
                next.ended(exitStatus, exitSignal, lost);
            }
        }
    }
}
