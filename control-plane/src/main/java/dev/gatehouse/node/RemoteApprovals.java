package dev.gatehouse.node;

import dev.gatehouse.controlplane.nodes.NodeWire;
import dev.gatehouse.controlplane.nodes.NodeWire.Answer;
import dev.gatehouse.sshproxy.access.ApprovalDesk;
import dev.gatehouse.sshproxy.access.ApprovalRequest;
import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.access.PendingApproval;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;

/**
 * A bastion node's logins approved in the browser: the approval is opened at the control plane, which keeps it, and
 * a virtual thread per waiting login long-polls for the answer (the control plane holds each poll until the answer or
 * {@code NodeApprovalCalls.HOLD}), so an approval reaches the waiting {@code ssh} within the poll's round trip. While
 * the control plane cannot be reached (restarting, or failing over to another), the poll is tried again until the
 * approval's time is up: the approval is in the database, so any control plane answers once one is back.
 */
final class RemoteApprovals implements ApprovalDesk {

    private static final Logger log = LoggerFactory.getLogger(RemoteApprovals.class);
    /** Pause between polls that could not reach the control plane. */
    static final Duration RETRY = Duration.ofSeconds(1);

    private final ControlPlaneClient client;
    private final Map<String, CompletableFuture<Decision<GatewayUser>>> waiting = new ConcurrentHashMap<>();

    RemoteApprovals(ControlPlaneClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public Decision<PendingApproval> request(ApprovalRequest request) {
        Answer<NodeWire.Approval> a;
        try {
            a = client.call(NodeWire.APPROVAL_REQUEST, new NodeWire.ApprovalAsk(request.person(), request.target(),
                    request.source(), request.clientVersion(), request.keyVerified()),
                    new TypeReference<Answer<NodeWire.Approval>>() {});
        } catch (ControlPlaneClient.Unavailable e) {
            log.warn("approval in the browser: {}", e.getMessage());
            return Decision.unavailable(RemoteAccessDecider.UNREACHABLE);
        }
        if (!a.allowed()) {
            return Decision.deny(a.reason());
        }
        NodeWire.Approval approval = a.value();
        Duration ttl = Duration.ofSeconds(approval.ttlSeconds());
        CompletableFuture<Decision<GatewayUser>> outcome = new CompletableFuture<>();
        waiting.put(approval.code(), outcome);
        // Past the approval's own expiry plus a margin, the control plane's sweep has ended it: stop asking.
        long deadline = System.nanoTime() + ttl.plus(Duration.ofSeconds(30)).toNanos();
        Thread.ofVirtual().name("approval-" + approval.code()).start(() -> poll(approval.code(), outcome, deadline));
        return Decision.allow(new PendingApproval(approval.code(), approval.url(), ttl, outcome));
    }

    private void poll(String code, CompletableFuture<Decision<GatewayUser>> outcome, long deadline) {
        boolean failing = false;
        try {
            while (!outcome.isDone()) {
                if (System.nanoTime() > deadline) {
                    outcome.complete(Decision.deny("no answer from the control plane in time"));
                    return;
                }
                try {
                    NodeWire.ApprovalOutcome answer = client.call(NodeWire.APPROVAL_AWAIT,
                            new NodeWire.ApprovalCode(code), NodeWire.ApprovalOutcome.class);
                    failing = false;
                    if (answer.decided()) {
                        outcome.complete(answer.approved() ? Decision.allow(new GatewayUser(answer.user()))
                                : Decision.deny(answer.reason()));
                    }
                } catch (ControlPlaneClient.Unavailable e) {
                    if (e.status() / 100 == 4) {
                        // Refused, not away: asking again would be refused again.
                        outcome.complete(Decision.deny("the control plane refused to tell this approval's answer"));
                        log.warn("approval {}: {}", code, e.getMessage());
                        return;
                    }
                    if (!failing) {
                        log.warn("approval {}: {}; asking again until it expires", code, e.getMessage());
                    }
                    failing = true;
                    Thread.sleep(RETRY);
                }
            }
        } catch (InterruptedException e) {
            outcome.complete(Decision.deny("the bastion node is stopping"));
        } finally {
            waiting.remove(code, outcome);
        }
    }

    /** The connection closed: its poll stops, and the control plane is told (in the background). */
    @Override
    public void withdraw(String code) {
        CompletableFuture<Decision<GatewayUser>> outcome = waiting.remove(code);
        if (outcome == null) {
            return;
        }
        outcome.complete(Decision.deny("the connection closed"));
        Thread.ofVirtual().start(() -> {
            try {
                client.tell(NodeWire.APPROVAL_WITHDRAW, new NodeWire.ApprovalCode(code));
            } catch (ControlPlaneClient.Unavailable e) {
                log.info("approval {} not withdrawn ({}); it expires at the control plane", code, e.getMessage());
            }
        });
    }
}
