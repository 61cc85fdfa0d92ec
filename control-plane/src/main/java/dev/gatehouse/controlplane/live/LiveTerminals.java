package dev.gatehouse.controlplane.live;

import dev.gatehouse.sshproxy.events.Activity;
import dev.gatehouse.sshproxy.events.BastionListener;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The bastion's terminal output, fanned out to whoever watches: one {@link LiveFeed} per running shell or exec
 * activity, keyed by the activity's (recording's) id, which is the session id the console lists. Called on the
 * bastion's I/O threads, so it only copies and enqueues.
 */
public final class LiveTerminals implements BastionListener {

    private final ConcurrentMap<String, LiveFeed> feeds = new ConcurrentHashMap<>();

    @Override
    public void activityStarted(Activity activity) {
        if (activity.kind() == Activity.Kind.SHELL || activity.kind() == Activity.Kind.EXEC) {
            int columns = activity.columns() > 0 ? activity.columns() : 80;
            int rows = activity.rows() > 0 ? activity.rows() : 24;
            feeds.put(activity.id(), new LiveFeed(activity.id(), columns, rows));
        }
    }

    @Override
    public void output(Activity activity, byte[] data, int offset, int length) {
        LiveFeed feed = feeds.get(activity.id());
        if (feed != null && activity.term() != null) {
            feed.output(data, offset, length);
        } else if (feed != null) {
            // Without a pty nothing turns "\n" into "\r\n"; the watcher's terminal needs it to start the line.
            byte[] lines = withCarriageReturns(data, offset, length);
            feed.output(lines, 0, lines.length);
        }
    }

    @Override
    public void errorOutput(Activity activity, byte[] data, int offset, int length) {
        output(activity, data, offset, length);
    }

    @Override
    public void resized(Activity activity, int columns, int rows) {
        LiveFeed feed = feeds.get(activity.id());
        if (feed != null) {
            feed.resized(columns, rows);
        }
    }

    @Override
    public void activityEnded(Activity activity, Integer exitStatus, String exitSignal, String reason) {
        LiveFeed feed = feeds.remove(activity.id());
        if (feed != null) {
            String how = exitSignal != null ? "killed by signal " + exitSignal
                    : exitStatus != null ? "exit " + exitStatus : "ended";
            feed.ended(reason == null || reason.isBlank() ? how : how + " (" + reason + ")");
        }
    }

    private static byte[] withCarriageReturns(byte[] data, int offset, int length) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(length + length / 8);
        for (int i = offset; i < offset + length; i++) {
            if (data[i] == '\n' && (i == offset || data[i - 1] != '\r')) {
                out.write('\r');
            }
            out.write(data[i]);
        }
        return out.toByteArray();
    }

    /** The feed of a running activity on this gateway, if there is one. */
    Optional<LiveFeed> feed(String activityId) {
        return Optional.ofNullable(feeds.get(activityId));
    }
}
