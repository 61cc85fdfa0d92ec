package dev.gatehouse.audit.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Folds a flood of refusals from one source into one audit event per interval: the first refusal from a source in an
 * interval is recorded in full at once ({@link #first} says so); the rest are counted and handed over as one
 * {@link Summary} when the interval ends. At most {@code maxSources} sources are tracked; beyond that the oldest
 * source's summary is handed over early, so memory and audit rows stay bounded whatever an attacker sends.
 */
public final class RepeatedRefusals implements AutoCloseable {

    /** Refusals from {@code source} that were counted, not recorded one by one, between {@code first} and {@code last}. */
    public record Summary(String source, long count, Instant first, Instant last) {}

    private static final class Interval {
        final long started;
        long count;
        long first;
        long last;

        Interval(long started) {
            this.started = started;
        }
    }

    private final Duration interval;
    private final int maxSources;
    private final Clock clock;
    private final Consumer<Summary> summaries;
    // Insertion order is start order, so the eldest entry is the one whose interval ends first.
    private final LinkedHashMap<String, Interval> sources = new LinkedHashMap<>();
    private ScheduledExecutorService ticker;
    private ScheduledFuture<?> ticking;

    public RepeatedRefusals(Duration interval, int maxSources, Clock clock, Consumer<Summary> summaries) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive");
        }
        if (maxSources < 1) {
            throw new IllegalArgumentException("maxSources must be at least 1");
        }
        this.interval = interval;
        this.maxSources = maxSources;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.summaries = Objects.requireNonNull(summaries, "summaries");
    }

    /**
     * Counts one refusal from {@code source}; true when it is the first in the source's interval, i.e. the caller
     * records it in full now. Later ones within the interval are only counted.
     */
    public boolean first(String source) {
        Objects.requireNonNull(source, "source");
        List<Summary> due;
        boolean first;
        synchronized (this) {
            long now = clock.millis();
            due = endedIntervals(now);
            Interval current = sources.get(source);
            first = current == null;
            if (first) {
                if (sources.size() >= maxSources) {
                    Iterator<Map.Entry<String, Interval>> eldest = sources.entrySet().iterator();
                    Map.Entry<String, Interval> entry = eldest.next();
                    eldest.remove();
                    add(due, entry.getKey(), entry.getValue());
                }
                sources.put(source, new Interval(now));
            } else {
                if (current.count == 0) {
                    current.first = now;
                }
                current.count++;
                current.last = now;
            }
        }
        due.forEach(summaries);
        return first;
    }

    /** Hands over the summaries of intervals that have ended (call it periodically, and at shutdown with everything). */
    public void flush(boolean all) {
        List<Summary> due;
        synchronized (this) {
            due = all ? drainAll() : endedIntervals(clock.millis());
        }
        due.forEach(summaries);
    }

    /** Hands over ended intervals' summaries on a daemon thread from now on, until {@link #close()}. */
    public synchronized RepeatedRefusals start() {
        if (ticker == null) {
            ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("repeated-refusals")
                    .factory());
            long tick = Math.max(100, interval.toMillis() / 4);
            ticking = ticker.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private void tick() {
        try {
            flush(false);
        } catch (RuntimeException | Error e) {
            // The consumer reports its own failures; one failed write must not end every later summary (a task that
            // throws is never run again).
        }
    }

    /** Stops the ticker and hands over every summary still counting. */
    @Override
    public void close() {
        ScheduledExecutorService stopping;
        synchronized (this) {
            stopping = ticker;
            if (ticking != null) {
                ticking.cancel(false);
            }
            ticker = null;
        }
        if (stopping != null) {
            stopping.shutdownNow();
        }
        flush(true);
    }

    /** Sources currently tracked (bounded by {@code maxSources}). */
    public synchronized int tracked() {
        return sources.size();
    }

    private List<Summary> endedIntervals(long now) {
        List<Summary> due = new ArrayList<>();
        Iterator<Map.Entry<String, Interval>> it = sources.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Interval> entry = it.next();
            if (now - entry.getValue().started < interval.toMillis()) {
                break;
            }
            it.remove();
            add(due, entry.getKey(), entry.getValue());
        }
        return due;
    }

    private List<Summary> drainAll() {
        List<Summary> due = new ArrayList<>();
        sources.forEach((source, counted) -> add(due, source, counted));
        sources.clear();
        return due;
    }

    private static void add(List<Summary> due, String source, Interval counted) {
        if (counted.count > 0) {
            due.add(new Summary(source, counted.count, Instant.ofEpochMilli(counted.first),
                    Instant.ofEpochMilli(counted.last)));
        }
    }
}
