package dev.gatehouse.controlplane.nodes;

import dev.gatehouse.controlplane.nodes.NodeApiServer.Reply;
import dev.gatehouse.controlplane.sshapprovals.SshApprovals;
import dev.gatehouse.sshproxy.access.ApprovalRequest;
import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.GatewayUser;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * SSH logins approved in the browser on a bastion node: the node asks whether a person needs an approval, opens one
 * (audited here as the all-in-one's are), long-polls for its answer, and withdraws it when the connection closes.
 * The pending approvals are the control plane's ({@link SshApprovals}, in PostgreSQL): the node holds nothing but
 * the code, and any control plane answers its poll. Other calls go on to {@code others}.
 */
final class NodeApprovalCalls implements NodeApiServer.Calls {

    /** How long a poll for an answer is held open while none comes (the node's client waits 20 s). */
    static final Duration HOLD = Duration.ofSeconds(10);
    /** What the bastion sends is bounded: names, addresses and an SSH identification string (255 at most). */
    private static final int MAX_FIELD = 255;

    private final NodeApiServer.Calls others;
    private final SshApprovals approvals;
    private final JsonMapper json = JsonMapper.builder().build();

    NodeApprovalCalls(NodeApiServer.Calls others, SshApprovals approvals) {
        this.others = Objects.requireNonNull(others, "others");
        this.approvals = Objects.requireNonNull(approvals, "approvals");
    }

    @Override
    public void refused(String path, String node, String sourceAddress, String reason) {
        others.refused(path, node, sourceAddress, reason);
    }

    @Override
    public Reply call(String path, String node, String serial, byte[] body, String source) throws IOException {
        if (node == null || !path.startsWith("/node/v1/approval-")) {
            return others.call(path, node, serial, body, source);
        }
        try {
            return switch (path) {
                case NodeWire.APPROVAL_RULE -> ok(new NodeWire.Rule(approvals.rule(bounded(
                        json.readValue(body, NodeWire.User.class).user(), "user")).name()));
                case NodeWire.APPROVAL_REQUEST -> {
                    NodeWire.ApprovalAsk q = json.readValue(body, NodeWire.ApprovalAsk.class);
                    Decision<String> d = approvals.requestFromNode(new ApprovalRequest(bounded(q.person(), "person"),
                            bounded(q.target(), "target"), bounded(q.source(), "source"),
                            bounded(q.clientVersion(), "clientVersion"), q.afterKey()), node);
                    yield ok(NodeWire.Answer.of(d, d instanceof Decision.Allowed<String> a ? new NodeWire.Approval(
                            a.value(), approvals.url(a.value()), approvals.ttl().toSeconds()) : null));
                }
                case NodeWire.APPROVAL_AWAIT -> ok(outcome(approvals.await(code(body), HOLD)));
                case NodeWire.APPROVAL_WITHDRAW -> {
                    approvals.withdraw(code(body));
                    yield new Reply(204, new byte[0]);
                }
                default -> error(404, "no such call " + path);
            };
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            return error(400, "malformed request: " + e.getMessage());
        }
    }

    private static NodeWire.ApprovalOutcome outcome(Optional<Decision<GatewayUser>> answer) {
        if (answer.isEmpty()) {
            return new NodeWire.ApprovalOutcome(false, false, null, null);
        }
        return answer.get() instanceof Decision.Allowed<GatewayUser> allowed
                ? new NodeWire.ApprovalOutcome(true, true, allowed.value().username(), null)
                : new NodeWire.ApprovalOutcome(true, false, null, ((Decision.Denied<GatewayUser>) answer.get())
                        .reason());
    }

    private String code(byte[] body) {
        String code = bounded(json.readValue(body, NodeWire.ApprovalCode.class).code(), "code");
        if (!code.matches("[A-Z0-9]{4}-[A-Z0-9]{4}")) {
            throw new IllegalArgumentException("not an approval code");
        }
        return code;
    }

    private static String bounded(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.length() > MAX_FIELD) {
            throw new IllegalArgumentException(name + " over " + MAX_FIELD + " characters");
        }
        return value;
    }

    private Reply ok(Object value) {
        return new Reply(200, json.writeValueAsBytes(value));
    }

    private Reply error(int status, String message) {
        return new Reply(status, json.writeValueAsBytes(java.util.Map.of("error", message)));
    }
}
