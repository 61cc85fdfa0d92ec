package dev.gatehouse.sshproxy.session;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * A channel's terminal size changes, coalesced: passed on at most once per {@link #INTERVAL_MILLIS} and always ending
 * with the latest size. A client sending thousands of window changes a second thus costs the target, the recorder's
 * shared queue and the heap no more than one a tick.
 */
final class WindowChanges {

    static final long INTERVAL_MILLIS = 50;
    private static final long NONE = -1;

    private final BiConsumer<Integer, Integer> passOn;
    private final AtomicLong latest = new AtomicLong(NONE);
    private final AtomicBoolean passing = new AtomicBoolean();

    /** {@code passOn} gets (columns, rows) on a virtual thread of this object's own. */
    WindowChanges(BiConsumer<Integer, Integer> passOn) {
        this.passOn = passOn;
    }

    void changed(int columns, int rows) {
        latest.set(((long) columns << 32) | (rows & 0xffffffffL));
        if (passing.compareAndSet(false, true)) {
            Thread.ofVirtual().name("window-changes").start(this::passOnLatest);
        }
    }

    private void passOnLatest() {
        while (true) {
            long size = latest.getAndSet(NONE);
            if (size != NONE) {
                passOn.accept((int) (size >>> 32), (int) size);
                try {
                    Thread.sleep(INTERVAL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                continue;
            }
            passing.set(false);
            // A change that came after the last read and before passing was cleared would otherwise wait forever.
            if (latest.get() == NONE || !passing.compareAndSet(false, true)) {
                return;
            }
        }
    }
}
