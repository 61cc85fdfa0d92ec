package dev.gatehouse.tunnel.gateway;

import dev.gatehouse.tunnel.protocol.AgentIdentity;
import dev.gatehouse.tunnel.stream.ResumableStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The streams this node has open, by id, with the agent that carries each. */
final class GatewayStreams {

    record Tracked(ResumableStream stream, AgentIdentity agent, String target) {
    }

    private final Map<String, Tracked> streams = new ConcurrentHashMap<>();

    void add(Tracked tracked) {
        streams.put(tracked.stream().id(), tracked);
        tracked.stream().ended().whenComplete((reason, error) -> streams.remove(tracked.stream().id()));
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

    void cancelAll(String reason) {
        streams.values().forEach(t -> t.stream().cancel(reason));
    }
}
