package dev.gatehouse.tunnel.gateway;

import dev.gatehouse.tunnel.protocol.AgentIdentity;
import dev.gatehouse.tunnel.stream.ResumableStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams this node has open, by id, with the agent that carries each. Lock order: a stream's lock, then this
 * one (a stream ends under its lock and moves its bytes here); under this one only the streams' lock-free byte
 * counters are read.
 */
final class GatewayStreams {

    record Tracked(ResumableStream stream, AgentIdentity agent, String target) {
    }

    private final Map<String, Tracked> streams = new ConcurrentHashMap<>();
    /** Per agent, bytes {in, out} of its streams that ended on this node (guarded by this). */
    private final Map<AgentIdentity, long[]> endedByAgent = new HashMap<>();

    void add(Tracked tracked) {
        streams.put(tracked.stream().id(), tracked);
        tracked.stream().ended().whenComplete((reason, error) -> {
            // Under the lock the totals read: a stream counts exactly once, so they never step back.
            synchronized (this) {
                if (streams.remove(tracked.stream().id()) != null) {
                    long[] agentTotals = endedByAgent.computeIfAbsent(tracked.agent(), agent -> new long[2]);
                    agentTotals[0] += tracked.stream().bytesIn();
                    agentTotals[1] += tracked.stream().bytesOut();
                }
            }
        });
    }

    /** Bytes received from agents on every stream since start, ended ones included. */
    synchronized long bytesIn() {
        return endedByAgent.values().stream().mapToLong(ended -> ended[0]).sum()
                + streams.values().stream().mapToLong(t -> t.stream().bytesIn()).sum();
    }

    /** Bytes sent to agents on every stream since start, ended ones included. */
    synchronized long bytesOut() {
        return endedByAgent.values().stream().mapToLong(ended -> ended[1]).sum()
                + streams.values().stream().mapToLong(t -> t.stream().bytesOut()).sum();
    }

    /** Bytes {in, out} through {@code agent}'s streams on this node since start, ended ones included. */
    synchronized long[] bytes(AgentIdentity agent) {
        long[] ended = endedByAgent.getOrDefault(agent, new long[2]);
        long in = ended[0];
        long out = ended[1];
        for (Tracked tracked : of(agent)) {
            in += tracked.stream().bytesIn();
            out += tracked.stream().bytesOut();
        }
        return new long[] {in, out};
    }

    int count(AgentIdentity agent) {
        return (int) streams.values().stream().filter(t -> t.agent().equals(agent)).count();
    }

    List<Tracked> of(AgentIdentity agent) {
        return streams.values().stream().filter(t -> t.agent().equals(agent)).toList();
    }

    List<Tracked> detached(AgentIdentity agent) {
        return of(agent).stream().filter(t -> !t.stream().isAttached()).toList();
    }

    /** Streams currently carried by a live link (detached ones cannot finish during a drain). */
    int attached() {
        return (int) streams.values().stream().filter(t -> t.stream().isAttached()).count();
    }

    int size() {
        return streams.size();
    }

    void cancel(AgentIdentity agent, String reason) {
        of(agent).forEach(t -> t.stream().cancel(reason));
    }

    void cancelAll(String reason) {
        streams.values().forEach(t -> t.stream().cancel(reason));
    }
}
