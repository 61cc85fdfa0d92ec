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
            feeds.put(activity.id(), new LiveFeed(activity.id(), columns, rows, activity.term() == null));
        }
    }

    @Override
    public void output(Activity activity, byte[] data, int offset, int length) {
        LiveFeed feed = feeds.get(activity.id());
        if (feed != null) {
            feed.output(data, offset, length);
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

    /** The feed of a running activity on this gateway, if there is one. */
    Optional<LiveFeed> feed(String activityId) {
        return Optional.ofNullable(feeds.get(activityId));
    }
}
