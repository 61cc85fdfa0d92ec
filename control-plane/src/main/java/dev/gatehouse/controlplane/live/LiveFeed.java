package dev.gatehouse.controlplane.live;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The output of one running activity as it happens: the recent screen output (so a new watcher sees more than a
 * blank terminal), the terminal size, and the watchers to pass each chunk on to. Methods are synchronized so that
 * a watcher joining mid-stream gets the backlog and then every later chunk, in order, exactly once.
 */
final class LiveFeed {

    /** Enough output to redraw a full-screen terminal a few times over. */
    static final int BACKLOG_BYTES = 64 * 1024;

    private final String id;
    private final byte[] backlog = new byte[BACKLOG_BYTES];
    private final List<LiveWatcher> watchers = new ArrayList<>();
    private int backlogStart;
    private int backlogLength;
    private int columns;
    private int rows;
    private boolean ended;
    private String endReason;

    LiveFeed(String id, int columns, int rows) {
        this.id = Objects.requireNonNull(id, "id");
        this.columns = columns;
        this.rows = rows;
    }

    String id() {
        return id;
    }

    synchronized void output(byte[] data, int offset, int length) {
        if (length >= BACKLOG_BYTES) {
            System.arraycopy(data, offset + length - BACKLOG_BYTES, backlog, 0, BACKLOG_BYTES);
            backlogStart = 0;
            backlogLength = BACKLOG_BYTES;
        } else {
            for (int i = 0; i < length; i++) {
                backlog[(backlogStart + backlogLength) % BACKLOG_BYTES] = data[offset + i];
                if (backlogLength < BACKLOG_BYTES) {
                    backlogLength++;
                } else {
                    backlogStart = (backlogStart + 1) % BACKLOG_BYTES;
                }
            }
        }
        if (!watchers.isEmpty()) {
            byte[] copy = java.util.Arrays.copyOfRange(data, offset, offset + length);
            watchers.removeIf(w -> !w.output(copy));
        }
    }

    synchronized void resized(int newColumns, int newRows) {
        columns = newColumns;
        rows = newRows;
        watchers.removeIf(w -> !w.resized(newColumns, newRows));
    }

    /** Adds a watcher and sends it the size and the backlog first; false when the activity has already ended. */
    synchronized boolean watch(LiveWatcher watcher) {
        if (ended) {
            watcher.ended(endReason);
            return false;
        }
        byte[] recent = new byte[backlogLength];
        for (int i = 0; i < backlogLength; i++) {
            recent[i] = backlog[(backlogStart + i) % BACKLOG_BYTES];
        }
        watcher.started(columns, rows);
        if (recent.length > 0) {
            watcher.output(recent);
        }
        watchers.add(watcher);
        return true;
    }

    synchronized void unwatch(LiveWatcher watcher) {
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
