package dev.gatehouse.controlplane.live;

import dev.gatehouse.sshproxy.events.Activity;
import dev.gatehouse.sshproxy.events.BastionListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

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
    /** How long a relayed batch waits for the watch order being placed at that moment to have its id. */
    private static final Duration ORDER_WAIT = Duration.ofSeconds(5);

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
     * On the control plane: {@code viewer} watches activity {@code activityId} held by bastion node {@code node}. The
     * first watcher here makes the feed and calls {@code order}, which asks the node to relay (a watch order) and
     * returns that order's id; later watchers join the feed and see its backlog, so nobody is shown the recent screen
     * twice. False when the activity has already ended (the viewer was told).
     */
    public boolean watchRemote(String activityId, String node, LiveViewer viewer, LongSupplier order) {
        RemoteFeed held;
        boolean first;
        synchronized (remote) {
            held = remote.get(activityId);
            first = held == null;
            if (first) {
                held = new RemoteFeed(node, new LiveFeed(activityId, 80, 24, false));
                remote.put(activityId, held);
            }
            if (!held.feed().watch(viewer)) {
                return false;
            }
        }
        if (first) {
            try {
                held.watch().complete(order.getAsLong());
            } catch (RuntimeException e) {
                held.watch().completeExceptionally(e);
                remote.remove(activityId, held);
                held.feed().ended("the gateway node holding this session could not be asked to relay it");
                throw e;
            }
        }
        return true;
    }

    /** {@code viewer} leaves; a feed nobody watches any more is forgotten and the node's next relay call told to stop. */
    public void unwatchRemote(String activityId, LiveViewer viewer) {
        synchronized (remote) {
            RemoteFeed held = remote.get(activityId);
            if (held == null) {
                return;
            }
            held.feed().unwatch(viewer);
            if (held.feed().watcherCount() == 0) {
                remote.remove(activityId);
            }
        }
    }

    /**
     * Ends the view of every node-held activity whose node has not relayed for {@code silence} (it sends at least an
     * empty batch every few seconds while someone watches): the node stopped, crashed or never took the order.
     * Returns how many views were ended.
     */
    public int endSilentRemotes(Duration silence) {
        long now = System.nanoTime();
        List<RemoteFeed> silent = new ArrayList<>();
        synchronized (remote) {
            remote.values().removeIf(held -> {
                boolean quiet = now - held.heard().get() > silence.toNanos();
                if (quiet) {
                    silent.add(held);
                }
                return quiet;
            });
        }
        silent.forEach(held -> held.feed().ended("the gateway node " + held.node()
                + " stopped relaying this session; reload to try again"));
        return silent.size();
    }

    /**
     * Frames that {@code node} relays for {@code activityId} under watch order {@code watch} (null from a node that
     * sends none); true while someone here still watches it. Frames for an activity nobody watches here, from a relay
     * of an earlier order, or that another node claims, are dropped.
     */
    public boolean relayed(String node, String activityId, Long watch, List<LiveFrame> frames) {
        RemoteFeed held = remote.get(activityId);
        if (held == null || !held.node().equals(node) || (watch != null && !held.ordered(watch))) {
            return false;
        }
        held.heard().set(System.nanoTime());
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
                    remote.remove(activityId, held);
                    feed.ended(frame.reason());
                    return false;
                }
                default -> throw new IllegalArgumentException("unknown live frame type '" + frame.type() + "'");
            }
        }
        synchronized (remote) {
            if (feed.watcherCount() == 0) {
                remote.remove(activityId, held);
                return false;
            }
        }
        return true;
    }

    /** A node-held activity watched here: {@code watch} completes with the id of the order that asked for the relay. */
    private record RemoteFeed(String node, LiveFeed feed, CompletableFuture<Long> watch, AtomicLong heard) {

        RemoteFeed(String node, LiveFeed feed) {
            this(node, feed, new CompletableFuture<>(), new AtomicLong(System.nanoTime()));
        }

        /** Whether {@code id} is this feed's order; waits briefly for the order being placed right now. */
        boolean ordered(long id) {
            try {
                return watch.get(ORDER_WAIT.toMillis(), TimeUnit.MILLISECONDS) == id;
            } catch (ExecutionException | TimeoutException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
