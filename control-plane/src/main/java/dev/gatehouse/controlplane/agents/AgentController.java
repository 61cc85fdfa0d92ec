package dev.gatehouse.controlplane.agents;

import dev.gatehouse.controlplane.api.ApiException;
import dev.gatehouse.controlplane.audit.AdminChanges;
import dev.gatehouse.controlplane.audit.AdminChanges.Change;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/agents}: enrolled tunnel agents with each gateway node's view of their links; revocation. */
@RestController
@RequestMapping("/api/v1/agents")
final class AgentController {

    private final AgentStore store;
    private final AdminChanges changes;
    private final ApplicationEventPublisher events;

    AgentController(AgentStore store, AdminChanges changes, ApplicationEventPublisher events) {
        this.store = Objects.requireNonNull(store, "store");
        this.changes = Objects.requireNonNull(changes, "changes");
        this.events = Objects.requireNonNull(events, "events");
    }

    @GetMapping
    List<Agent> list() {
        return store.list();
    }

    @GetMapping("/{id}")
    Agent get(@PathVariable UUID id) {
        return store.find(id).orElseThrow(() -> ApiException.notFound("no agent " + id));
    }

    /**
     * Revokes: the agent's live links end (on this node at once, on the others within a heartbeat), its streams are
     * cancelled saying so, and its certificates are refused from now on; joining again needs a new token.
     */
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revoke(@PathVariable UUID id) {
        Agent before = store.find(id).orElseThrow(() -> ApiException.notFound("no agent " + id));
        changes.apply("agent.revoked", "agent:" + before.name() + "@" + before.network(), () -> {
            store.delete(id);
            return new Change<>(before, null);
        });
        events.publishEvent(new AgentRevoked(before.network(), before.name()));
    }
}
