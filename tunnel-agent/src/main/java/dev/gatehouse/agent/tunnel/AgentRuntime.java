package dev.gatehouse.agent.tunnel;

import dev.gatehouse.agent.config.AllowList;
import dev.gatehouse.tunnel.stream.ResumableStream;
import java.util.Map;
import java.util.concurrent.Executor;

/** What a gateway connection's request handlers need from the running agent. */
interface AgentRuntime {

    AgentSettings settings();

    default AllowList allowList() {
        return settings().allowList();
    }

    /** Streams by id; they outlive the connection that opened them. */
    Map<String, ResumableStream> streams();

    /** For DNS lookups and other blocking work. */
    Executor blocking();

    String version();

    /** A dial outside the allow-list was refused. */
    void reportRefusal(String target, String reason);
}
