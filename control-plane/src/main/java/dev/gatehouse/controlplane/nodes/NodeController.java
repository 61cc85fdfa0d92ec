package dev.gatehouse.controlplane.nodes;

import dev.gatehouse.controlplane.api.ApiException;
import dev.gatehouse.controlplane.audit.AdminChanges;
import dev.gatehouse.controlplane.audit.AdminChanges.Change;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/nodes}: the bastion nodes that enrolled, whether each is heard from, and how many sessions it
 * holds a concurrent-session slot for, so that an admin told "too many concurrent sessions" can see where they run.
 * {@code DELETE /api/v1/nodes/{name}} revokes a node (a lost or retired machine): the node port refuses its
 * certificates from then on, the node ends its sessions when its next heartbeat is refused, and its sessions are marked
 * interrupted here once it has been silent for {@link NodeLiveness#SILENCE}.
 */
@RestController
@RequestMapping("/api/v1/nodes")
final class NodeController {

    private final NodeStore nodes;
    private final AdminChanges changes;
    private final Clock clock;

    NodeController(NodeStore nodes, AdminChanges changes, Clock clock) {
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.changes = Objects.requireNonNull(changes, "changes");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * {@code live}: heard from within {@link NodeLiveness#SILENCE}; {@code sessions}: the sessions it holds a slot
     * for; {@code revoked}: its certificates are no longer admitted.
     */
    record NodeView(String name, String role, Instant enrolledAt, Instant lastSeenAt, boolean live, boolean revoked,
            long sessions) {}

    @GetMapping
    List<NodeView> list() {
        Instant heard = clock.instant().minus(NodeLiveness.SILENCE);
        return nodes.list().stream().map(n -> new NodeView(n.name(), n.role(), n.enrolledAt(), n.lastSeenAt(),
                n.revokedAt() == null && n.lastSeenAt() != null && n.lastSeenAt().isAfter(heard),
                n.revokedAt() != null, n.sessions())).toList();
    }

    @DeleteMapping("/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revoke(@PathVariable String name) {
        NodeStore.Enrolled before = nodes.find(name).orElseThrow(() -> ApiException.notFound("no bastion node " + name));
        if (before.revokedAt() != null) {
            return;
        }
        changes.apply("node.revoked", "node:" + name, () -> {
            nodes.revoke(name, clock.instant());
            return new Change<>(before, nodes.find(name).orElseThrow());
        });
    }
}
