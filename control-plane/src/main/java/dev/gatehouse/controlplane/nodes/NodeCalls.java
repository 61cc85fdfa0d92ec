package dev.gatehouse.controlplane.nodes;

import dev.gatehouse.audit.events.RepeatedRefusals;
import dev.gatehouse.audit.recording.Evidence;
import dev.gatehouse.audit.recording.EvidenceStore;
import dev.gatehouse.audit.spool.EvidenceCodec;
import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import dev.gatehouse.controlplane.live.LiveTerminals;
import dev.gatehouse.controlplane.nodes.NodeApiServer.Reply;
import dev.gatehouse.controlplane.nodes.NodeWire.Answer;
import dev.gatehouse.pki.x509.Pem;
import dev.gatehouse.sshproxy.access.AccessChanges;
import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.CertificateIssuer;
import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.Forwarding;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.access.HostAndPort;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The control plane's answers to its bastion nodes: the same decisions, certificates and evidence store the
 * all-in-one's bastion uses in-process, behind the node port.
 */
public final class NodeCalls implements NodeApiServer.Calls {

    private static final Logger log = LoggerFactory.getLogger(NodeCalls.class);
    /** How long a node's poll for orders is held open when there are none (its client waits 20 s). */
    static final Duration ORDERS_HOLD = Duration.ofSeconds(10);

    private final NodeEnrollment enrollment;
    private final NodeStore nodes;
    private final AccessDecider decider;
    private final ClusterSessionLimit slots;
    private final CertificateIssuer issuer;
    private final EvidenceStore evidence;
    private final NodeEvidenceCheck evidenceCheck;
    private final NodeOrders orders;
    private final NodeDetachedSessions detached;
    /** When each node's last evidence refusal was audited: one audit row per node per minute at most. */
    private final Map<String, Instant> refusalAudited = new ConcurrentHashMap<>();
    private final ControlPlaneAudit trail;
    private final RepeatedRefusals refusals;
    private final LiveTerminals live;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();

    NodeCalls(NodeEnrollment enrollment, NodeStore nodes, AccessDecider decider, ClusterSessionLimit slots,
            CertificateIssuer issuer, EvidenceStore evidence, NodeEvidenceCheck evidenceCheck, NodeOrders orders,
            NodeDetachedSessions detached, ControlPlaneAudit trail, RepeatedRefusals refusals, LiveTerminals live,
            Clock clock) {
        this.enrollment = Objects.requireNonNull(enrollment, "enrollment");
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.decider = Objects.requireNonNull(decider, "decider");
        this.slots = Objects.requireNonNull(slots, "slots");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.evidence = Objects.requireNonNull(evidence, "evidence");
        this.evidenceCheck = Objects.requireNonNull(evidenceCheck, "evidenceCheck");
        this.orders = Objects.requireNonNull(orders, "orders");
        this.detached = Objects.requireNonNull(detached, "detached");
        this.trail = Objects.requireNonNull(trail, "trail");
        this.refusals = Objects.requireNonNull(refusals, "refusals");
        this.live = Objects.requireNonNull(live, "live");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void refused(String path, String node, String sourceAddress, String reason) {
        String caller = node == null ? "anonymous" : "node:" + node;
        // A revoked node goes on calling every few seconds: one event per caller and interval, the rest counted.
        if (!refusals.first(caller + " " + sourceAddress)) {
            return;
        }
        try {
            trail.record(new AuditRecord("node.refused", caller, "POST " + path, null, null, sourceAddress, "denied",
                    reason));
        } catch (RuntimeException e) {
            log.error("could not record the refusal of {} from {}", path, sourceAddress, e);
        }
    }

    @Override
    public Reply call(String path, String node, String serial, byte[] body, String source) throws IOException {
        try {
            return switch (path) {
                case NodeWire.ENROL -> enrol(read(body, NodeWire.Enrol.class), source);
                case NodeWire.RENEW -> renew(node, serial, read(body, NodeWire.Renew.class), source);
                case NodeWire.EVIDENCE -> storeEvidence(node, body);
                case NodeWire.HEARTBEAT -> heartbeat(node, body);
                case NodeWire.RESERVE -> {
                    NodeWire.Slot q = read(body, NodeWire.Slot.class);
                    var d = slots.reserve(node, Objects.requireNonNull(q.user(), "user"),
                            Objects.requireNonNull(q.sessionId(), "sessionId"));
                    yield ok(Answer.of(d, q.sessionId()));
                }
                case NodeWire.RELEASE -> {
                    slots.release(node, Objects.requireNonNull(read(body, NodeWire.Slot.class).sessionId(),
                            "sessionId"));
                    yield new Reply(204, new byte[0]);
                }
                case NodeWire.ORDERS -> ok(new NodeWire.Orders(orders.awaitFor(node, ORDERS_HOLD)));
                case NodeWire.ORDER_DONE -> {
                    orders.done(node, read(body, NodeWire.OrderDone.class));
                    yield new Reply(204, new byte[0]);
                }
                case NodeWire.LIVE -> {
                    NodeWire.LiveBatch batch = read(body, NodeWire.LiveBatch.class);
                    if (batch.sessionId() == null || batch.frames() == null
                            || batch.frames().size() > NodeWire.MAX_LIVE_FRAMES) {
                        throw new IllegalArgumentException("a live batch needs sessionId and at most "
                                + NodeWire.MAX_LIVE_FRAMES + " frames");
                    }
                    yield ok(new NodeWire.LiveAnswer(live.relayed(node, batch.sessionId(), batch.watch(), batch.frames())));
                }
                case NodeWire.DETACHED_ELSEWHERE -> ok(detached.elsewhere(node, read(body, NodeWire.Where.class))
                        .orElse(new NodeWire.Elsewhere(null, 0)));
                default -> ok(decide(path, body));
            };
        } catch (JacksonException | IllegalArgumentException e) {
            return error(400, "malformed request: " + e.getMessage());
        } catch (NodeEnrollment.Refused e) {
            return error(403, e.getMessage());
        }
    }

    /**
     * A node that does not say it asks for approvals in the browser ({@code approvals} absent: one from before they
     * were offered on nodes) would take a key alone: the key of a person whose role requires one is refused there.
     */
    private Decision<GatewayUser> withoutApproval(Decision<GatewayUser> owner) {
        if (owner instanceof Decision.Allowed<GatewayUser> allowed
                && decider.approvalRule(allowed.value()) != dev.gatehouse.sshproxy.access.ApprovalRule.NONE) {
            return Decision.deny("a role of " + allowed.value().username() + " requires approval in the browser,"
                    + " which this bastion node does not offer (upgrade it)");
        }
        return owner;
    }

    private Object decide(String path, byte[] body) {
        return switch (path) {
            case NodeWire.AUTHENTICATE -> {
                NodeWire.Authenticate q = read(body, NodeWire.Authenticate.class);
                Decision<GatewayUser> owner = decider.authenticate(NodeWire.key(q.publicKey()));
                Decision<GatewayUser> d = Boolean.TRUE.equals(q.approvals()) ? owner : withoutApproval(owner);
                yield Answer.of(d, d instanceof Decision.Allowed<GatewayUser> a ? a.value().username() : null);
            }
            case NodeWire.LOGIN -> {
                NodeWire.Login q = read(body, NodeWire.Login.class);
                var d = q.recheck() ? decider.recheckLogin(new GatewayUser(q.user()), q.login(), q.host())
                        : decider.authorizeLogin(new GatewayUser(q.user()), q.login(), q.host());
                yield Answer.of(d, d instanceof Decision.Allowed<?> a
                        ? NodeWire.WireTarget.of((dev.gatehouse.sshproxy.access.Target) a.value()) : null);
            }
            case NodeWire.FORWARD -> {
                NodeWire.Forward q = read(body, NodeWire.Forward.class);
                var d = decider.authorizeForward(new GatewayUser(q.user()),
                        Optional.ofNullable(q.via()).map(NodeWire.WireTarget::target),
                        new HostAndPort(q.host(), q.port()));
                yield Answer.of(d, d instanceof Decision.Allowed<?> a
                        ? NodeWire.WireRoute.of((dev.gatehouse.sshproxy.access.ForwardRoute) a.value()) : null);
            }
            case NodeWire.ACCESS_REQUEST -> {
                NodeWire.AccessRequestAsk q = read(body, NodeWire.AccessRequestAsk.class);
                Decision<String> d = decider.requestAccess(new GatewayUser(q.user()), q.role(), q.minutes(), q.reason());
                yield Answer.of(d, d instanceof Decision.Allowed<String> a ? a.value() : null);
            }
            case NodeWire.REACHABLE -> decider.reachable(new GatewayUser(read(body, NodeWire.User.class).user()))
                    .stream().map(r -> new NodeWire.WireReachable(r.host(), r.logins())).toList();
            case NodeWire.CHANGES -> {
                AccessChanges c = decider.changesSince(read(body, NodeWire.Since.class).revision());
                yield new NodeWire.Changes(c.revision(), c.people(), c.everyone());
            }
            case NodeWire.HOST_KEY -> {
                NodeWire.HostKey q = read(body, NodeWire.HostKey.class);
                yield new NodeWire.Trusted(decider.learnHostKey(q.target(), NodeWire.key(q.publicKey())));
            }
            case NodeWire.HOST_CAS -> new NodeWire.Keys(decider.hostCertificateAuthorities().stream()
                    .map(PublicKeyEntry::toString).toList());
            case NodeWire.USER_CERTIFICATE -> {
                NodeWire.UserCertificate q = read(body, NodeWire.UserCertificate.class);
                yield new NodeWire.Certificate(PublicKeyEntry.toString(issuer.issueUserCertificate(
                        new GatewayUser(q.user()), q.login(), q.sessionId(), NodeWire.key(q.publicKey()),
                        new Forwarding(q.port(), q.remote(), q.agent()))));
            }
            case NodeWire.HOST_CERTIFICATE -> {
                NodeWire.HostCertificate q = read(body, NodeWire.HostCertificate.class);
                yield new NodeWire.Certificate(PublicKeyEntry.toString(issuer.issueHostCertificate(q.principals(),
                        NodeWire.key(q.publicKey()))));
            }
            default -> throw new IllegalArgumentException("no such call " + path);
        };
    }

    private Reply enrol(NodeWire.Enrol q, String source) throws NodeEnrollment.Refused {
        byte[] csr = Pem.csr(Objects.requireNonNull(q.csr(), "csr"));
        return ok(chain(enrollment.enrol(Objects.requireNonNull(q.token(), "token"), q.name(), csr, q.recordingKey(),
                source)));
    }

    private Reply renew(String node, String serial, NodeWire.Renew q, String source) throws NodeEnrollment.Refused {
        return ok(chain(enrollment.renew(node, serial, Pem.csr(Objects.requireNonNull(q.csr(), "csr")), source)));
    }

    private Reply heartbeat(String node, byte[] body) {
        nodes.seen(node, clock.instant());
        NodeWire.Heartbeat heartbeat = body.length == 0 ? new NodeWire.Heartbeat(null, null, null)
                : read(body, NodeWire.Heartbeat.class);
        if (heartbeat.ended() != null) {
            heartbeat.ended().forEach(sessionId -> slots.release(node, sessionId));
        }
        if (heartbeat.detached() != null) {
            detached.heard(node, heartbeat.detached());
        }
        if (heartbeat.sessions() != null) {
            int freed = slots.reconcile(node, heartbeat.sessions());
            if (freed > 0) {
                log.info("node {} no longer holds {} session slot(s) it had taken: freed", node, freed);
            }
        }
        return new Reply(204, new byte[0]);
    }

    /** Stored before the answer: a node drops its spooled copy only once the control plane holds the evidence. */
    private Reply storeEvidence(String node, byte[] body) throws IOException {
        try {
            List<Evidence> batch = EvidenceCodec.decodeBatch(body);
            String refusal = evidenceCheck.refusal(node, batch);
            if (refusal != null) {
                auditRefusal(node, refusal);
                return error(403, "evidence batch refused: " + refusal);
            }
            evidence.store(batch);
        } catch (IOException e) {
            return error(400, "evidence batch refused: " + e.getMessage());
        } catch (RuntimeException e) {
            log.warn("evidence from node {} not stored yet: {}", node, e.toString());
            return error(503, "evidence store unavailable; retry");
        }
        nodes.seen(node, clock.instant());
        return new Reply(204, new byte[0]);
    }

    /** A node whose batch is refused sends it again and again: its refusals are audited once a minute. */
    private void auditRefusal(String node, String reason) {
        Instant now = clock.instant();
        Instant last = refusalAudited.get(node);
        if (last != null && last.isAfter(now.minus(Duration.ofMinutes(1)))) {
            return;
        }
        refusalAudited.put(node, now);
        log.warn("evidence batch from node {} refused: {}", node, reason);
        trail.record(new AuditRecord("node.evidence.refused", "node:" + node, "node:" + node, null, null, null,
                "denied", reason));
    }

    private static NodeWire.Chain chain(List<X509Certificate> chain) {
        return new NodeWire.Chain(Pem.encode(chain.toArray(X509Certificate[]::new)));
    }

    private <T> T read(byte[] body, Class<T> type) {
        return json.readValue(body, type);
    }

    private Reply ok(Object value) {
        return new Reply(200, json.writeValueAsBytes(value));
    }

    private Reply error(int status, String message) {
        return new Reply(status, json.writeValueAsBytes(java.util.Map.of("error", message)));
    }
}
