package dev.gatehouse.controlplane.live;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The output of one running activity as it happens: the recent screen output (so a new watcher sees more than a
 * blank terminal), the terminal size, and the watchers to pass each chunk on to. Methods are synchronized so that
 * a watcher joining mid-stream gets the backlog and then every later chunk, in order, exactly once.
 */
final class LiveFeed {

    /**
     * Enough output to redraw a full-screen terminal a few times over, and small because every running session
     * holds one (the bastion's budget is 256 KB per idle session); allocated on the first output.
     */
    static final int BACKLOG_BYTES = 16 * 1024;

    private final String id;
    private final boolean newlines;
    private byte[] backlog;
    private final List<LiveViewer> watchers = new ArrayList<>();
    private int backlogStart;
    private int backlogLength;
    private int columns;
    private int rows;
    private boolean ended;
    private String endReason;

    /** {@code newlines}: output without a pty, whose "\n" a watcher's terminal needs as "\r\n". */
    LiveFeed(String id, int columns, int rows, boolean newlines) {
        this.id = Objects.requireNonNull(id, "id");
        this.columns = columns;
        this.rows = rows;
        this.newlines = newlines;
    }

    String id() {
        return id;
    }

    synchronized void output(byte[] data, int offset, int length) {
        remember(data, offset, length);
        if (!watchers.isEmpty()) {
            // Converted only for watchers: with nobody watching, a frame costs the ring's copy and nothing more.
            byte[] copy = newlines ? withCarriageReturns(data, offset, length)
                    : Arrays.copyOfRange(data, offset, offset + length);
            watchers.removeIf(w -> !w.output(copy));
        }
    }

    /** Appends to the ring of recent output; copies only, as this runs on the bastion's data path. */
    private void remember(byte[] data, int offset, int length) {
        if (backlog == null) {
            backlog = new byte[BACKLOG_BYTES];
        }
        if (length >= BACKLOG_BYTES) {
            System.arraycopy(data, offset + length - BACKLOG_BYTES, backlog, 0, BACKLOG_BYTES);
            backlogStart = 0;
            backlogLength = BACKLOG_BYTES;
            return;
        }
        int write = (backlogStart + backlogLength) % BACKLOG_BYTES;
        int first = Math.min(length, BACKLOG_BYTES - write);
        System.arraycopy(data, offset, backlog, write, first);
        System.arraycopy(data, offset + first, backlog, 0, length - first);
        int overflow = backlogLength + length - BACKLOG_BYTES;
        if (overflow > 0) {
            backlogStart = (backlogStart + overflow) % BACKLOG_BYTES;
            backlogLength = BACKLOG_BYTES;
        } else {
            backlogLength += length;
        }
    }

    /** Without a pty nothing turns "\n" into "\r\n"; the watcher's terminal needs it to start the line. */
    static byte[] withCarriageReturns(byte[] data, int offset, int length) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(length + length / 8);
        for (int i = offset; i < offset + length; i++) {
            if (data[i] == '\n' && (i == offset || data[i - 1] != '\r')) {
                out.write('\r');
            }
            out.write(data[i]);
        }
        return out.toByteArray();
    }

    synchronized void resized(int newColumns, int newRows) {
        columns = newColumns;
        rows = newRows;
        watchers.removeIf(w -> !w.resized(newColumns, newRows));
    }

    /** Adds a watcher and sends it the size and the backlog first; false when the activity has already ended. */
    synchronized boolean watch(LiveViewer watcher) {
        if (ended) {
            watcher.ended(endReason);
            return false;
        }
        byte[] recent = new byte[backlogLength];
        if (backlogLength > 0) {
            int first = Math.min(backlogLength, BACKLOG_BYTES - backlogStart);
            System.arraycopy(backlog, backlogStart, recent, 0, first);
            System.arraycopy(backlog, 0, recent, first, backlogLength - first);
        }
        watcher.started(columns, rows);
        if (recent.length > 0) {
            watcher.output(newlines ? withCarriageReturns(recent, 0, recent.length) : recent);
        }
        watchers.add(watcher);
        return true;
    }

    synchronized void unwatch(LiveViewer watcher) {
        watchers.remove(watcher);
    }

    synchronized void ended(String reason) {
        ended = true;
        endReason = reason;
        watchers.forEach(w -> w.ended(reason));
        watchers.clear();
    }

    synchronized int watcherCount() {
        return watchers.size();
    }
}
