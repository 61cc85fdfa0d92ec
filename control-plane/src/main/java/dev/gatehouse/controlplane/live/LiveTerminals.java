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
    private final ConcurrentMap<String, RemoteFeed> remote = new ConcurrentHashMap<>();
    /** The widest or tallest terminal a node may relay (as the bastion bounds a client's pty request). */
    private static final int MAX_SIDE = 4096;

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

    /**
     * On a bastion node: shows {@code viewer} the running activity {@code activityId} (size and backlog first); false
     * when it is not running here.
     */
    public boolean relay(String activityId, LiveViewer viewer) {
        LiveFeed feed = feeds.get(activityId);
        return feed != null && feed.watch(viewer);
    }

    public void unrelay(String activityId, LiveViewer viewer) {
        LiveFeed feed = feeds.get(activityId);
        if (feed != null) {
            feed.unwatch(viewer);
        }
    }

    /**
     * On the control plane: the feed of an activity held by bastion node {@code node}, made for the first watcher and
     * fed by that node's relay ({@link #relayed}).
     */
    LiveFeed remoteFeed(String activityId, String node) {
        return remote.computeIfAbsent(activityId, id -> new RemoteFeed(node, new LiveFeed(id, 80, 24, false))).feed();
    }

    /** Forgets a node's feed nobody watches any more; the node's next relay call is told to stop. */
    void unwatchedRemote(String activityId) {
        remote.computeIfPresent(activityId, (id, held) -> held.feed().watcherCount() == 0 ? null : held);
    }

    /**
     * Frames that {@code node} relays for {@code activityId}; true while someone here still watches it. Frames for an
     * activity nobody watches here, or that another node claims, are dropped.
     */
    public boolean relayed(String node, String activityId, java.util.List<LiveFrame> frames) {
        RemoteFeed held = remote.get(activityId);
        if (held == null || !held.node().equals(node)) {
            return false;
        }
        LiveFeed feed = held.feed();
        for (LiveFrame frame : frames) {
            if (frame == null || frame.type() == null) {
                throw new IllegalArgumentException("a live frame needs a type");
            }
            switch (frame.type()) {
                case "start", "resize" -> {
                    if (frame.columns() < 1 || frame.columns() > MAX_SIDE || frame.rows() < 1 || frame.rows() > MAX_SIDE) {
                        throw new IllegalArgumentException("a terminal size must be 1 to " + MAX_SIDE + " each way");
                    }
                    feed.resized(frame.columns(), frame.rows());
                }
                case "output" -> {
                    byte[] data = frame.bytes();
                    feed.output(data, 0, data.length);
                }
                case "end" -> {
                    feed.ended(frame.reason());
                    remote.remove(activityId, held);
                    return false;
                }
                default -> throw new IllegalArgumentException("unknown live frame type '" + frame.type() + "'");
            }
        }
        if (feed.watcherCount() == 0) {
            remote.remove(activityId, held);
            return false;
        }
        return true;
    }

    private record RemoteFeed(String node, LiveFeed feed) {}
}
