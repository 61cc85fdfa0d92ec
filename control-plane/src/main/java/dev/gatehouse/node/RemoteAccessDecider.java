package dev.gatehouse.node;

import dev.gatehouse.controlplane.nodes.NodeWire;
import dev.gatehouse.controlplane.nodes.NodeWire.Answer;
import dev.gatehouse.sshproxy.access.AccessChanges;
import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.ApprovalDesk;
import dev.gatehouse.sshproxy.access.ApprovalRule;
import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.ForwardRoute;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.access.HeldElsewhere;
import dev.gatehouse.sshproxy.access.HostAndPort;
import dev.gatehouse.sshproxy.access.Reachable;
import dev.gatehouse.sshproxy.access.Target;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;

/**
 * A bastion node's access decisions, asked of the control plane over the node port and kept for
 * {@code gatehouse.node.decision-cache} (5 s by default) when they grant; a change of someone's access, seen when the
 * bastion polls for changes, drops that person's cached answers at once. Refusals are never kept. While the control
 * plane cannot be reached, new sessions are refused saying so (a grant cached less than the cache time ago still
 * admits, but the target's certificate needs the control plane too): nothing is decided here.
 */
final class RemoteAccessDecider implements AccessDecider {

    private static final Logger log = LoggerFactory.getLogger(RemoteAccessDecider.class);
    private static final int MAX_CACHED = 10_000;
    static final String UNREACHABLE = "the control plane cannot be reached; try again shortly";

    private record Cached(Decision<?> decision, String username, Instant until) {}

    private final ControlPlaneClient client;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private volatile List<PublicKey> hostCas;
    private volatile Instant hostCasUntil = Instant.MIN;
    private volatile boolean changesFailing;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final Set<String> unreleased = ConcurrentHashMap.newKeySet();
    private final Executor releases = Executors.newVirtualThreadPerTaskExecutor();
    private final RemoteApprovals approvals;

    RemoteAccessDecider(ControlPlaneClient client, Duration ttl, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.approvals = new RemoteApprovals(client);
    }

    @Override
    public Decision<GatewayUser> authenticate(PublicKey key) {
        String line = PublicKeyEntry.toString(key);
        return cached("key " + line, null, () -> {
            Answer<String> a = client.call(NodeWire.AUTHENTICATE, new NodeWire.Authenticate(line, true),
                    new TypeReference<Answer<String>>() {});
            return a.allowed() ? Decision.allow(new GatewayUser(a.value())) : Decision.deny(a.reason());
        }, decision -> decision instanceof Decision.Allowed<GatewayUser> a ? a.value().username() : null);
    }

    @Override
    public Decision<Target> authorizeLogin(GatewayUser user, String login, String host) {
        return login(user, login, host, false);
    }

    @Override
    public Decision<Target> recheckLogin(GatewayUser user, String login, String host) {
        return login(user, login, host, true);
    }

    private Decision<Target> login(GatewayUser user, String login, String host, boolean recheck) {
        return cached((recheck ? "recheck " : "login ") + user.username() + " " + login + " " + host, user.username(),
                () -> {
                    Answer<NodeWire.WireTarget> a = client.call(NodeWire.LOGIN, new NodeWire.Login(user.username(),
                            login, host, recheck), new TypeReference<Answer<NodeWire.WireTarget>>() {});
                    return a.allowed() ? Decision.allow(a.value().target()) : Decision.deny(a.reason());
                }, decision -> user.username());
    }

    @Override
    public Decision<ForwardRoute> authorizeForward(GatewayUser user, Optional<Target> via, HostAndPort destination) {
        try {
            Answer<NodeWire.WireRoute> a = client.call(NodeWire.FORWARD, new NodeWire.Forward(user.username(),
                    via.map(NodeWire.WireTarget::of).orElse(null), destination.host(), destination.port()),
                    new TypeReference<Answer<NodeWire.WireRoute>>() {});
            return a.allowed() ? Decision.allow(a.value().route()) : Decision.deny(a.reason());
        } catch (ControlPlaneClient.Unavailable e) {
            log.warn("forward decision: {}", e.getMessage());
            return Decision.unavailable(UNREACHABLE);
        }
    }

    /** Asked every time (never cached): the slot is counted at the control plane across every node. */
    @Override
    public Decision<String> reserveSession(GatewayUser user, String sessionId) {
        try {
            Answer<String> a = client.call(NodeWire.RESERVE, new NodeWire.Slot(user.username(), sessionId),
                    new TypeReference<Answer<String>>() {});
            if (!a.allowed()) {
                return Decision.deny(a.reason());
            }
            held.add(sessionId);
            return Decision.allow(sessionId);
        } catch (ControlPlaneClient.Unavailable e) {
            log.warn("session slot: {}", e.getMessage());
            return Decision.unavailable(e.status() == 0 ? UNREACHABLE : "the control plane refused this node's question");
        }
    }

    /**
     * Given back in the background (a session's end must not wait on the network); a release that does not arrive
     * goes with the next heartbeats until one is answered ({@link #slots()}).
     */
    @Override
    public void releaseSession(String sessionId) {
        if (held.remove(sessionId)) {
            releases.execute(() -> {
                try {
                    client.tell(NodeWire.RELEASE, new NodeWire.Slot(null, sessionId));
                } catch (ControlPlaneClient.Unavailable e) {
                    unreleased.add(sessionId);
                    log.info("session slot {} not given back now ({}); the next heartbeat does", sessionId,
                            e.getMessage());
                }
            });
        }
    }

    /** The slots this node holds and those it gave back unheard, for the heartbeat. */
    NodeWire.Heartbeat slots() {
        return new NodeWire.Heartbeat(List.copyOf(held), List.copyOf(unreleased), null);
    }

    /** The control plane heard {@code heartbeat}: the slots it gave back are freed there. */
    void delivered(NodeWire.Heartbeat heartbeat) {
        heartbeat.ended().forEach(unreleased::remove);
    }

    /** Asked only when this node keeps none: fails open (a new session), since re-attach could not happen here. */
    @Override
    public Optional<HeldElsewhere> detachedElsewhere(GatewayUser user, String login, String host) {
        try {
            NodeWire.Elsewhere where = client.call(NodeWire.DETACHED_ELSEWHERE, new NodeWire.Where(user.username(),
                    login, host), NodeWire.Elsewhere.class);
            return where.node() == null ? Optional.empty()
                    : Optional.of(new HeldElsewhere(where.node(), Instant.ofEpochMilli(where.detachedAt())));
        } catch (ControlPlaneClient.Unavailable e) {
            log.warn("detached sessions on other nodes: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Cached as grants are (a change of the person's roles drops it); when the control plane cannot say, approval
     * after the key: the key alone never admits someone whose role may require more, and the approval it then asks
     * for needs the control plane anyway.
     */
    @Override
    public ApprovalRule approvalRule(GatewayUser user) {
        Decision<ApprovalRule> rule = cached("approval-rule " + user.username(), user.username(), () -> Decision.allow(
                ApprovalRule.valueOf(client.call(NodeWire.APPROVAL_RULE, new NodeWire.User(user.username()),
                        NodeWire.Rule.class).rule())), decision -> user.username());
        return rule instanceof Decision.Allowed<ApprovalRule> a ? a.value() : ApprovalRule.AFTER_KEY;
    }

    @Override
    public ApprovalDesk approvalDesk() {
        return approvals;
    }

    @Override
    public Decision<String> requestAccess(GatewayUser user, String role, int minutes, String reason) {
        try {
            Answer<String> a = client.call(NodeWire.ACCESS_REQUEST, new NodeWire.AccessRequestAsk(user.username(),
                    role, minutes, reason), new TypeReference<Answer<String>>() {});
            return a.allowed() ? Decision.allow(a.value()) : Decision.deny(a.reason());
        } catch (ControlPlaneClient.Unavailable e) {
            return Decision.unavailable(UNREACHABLE);
        }
    }

    @Override
    public List<Reachable> reachable(GatewayUser user) {
        try {
            List<NodeWire.WireReachable> hosts = client.call(NodeWire.REACHABLE, new NodeWire.User(user.username()),
                    new TypeReference<List<NodeWire.WireReachable>>() {});
            return hosts.stream().map(h -> new Reachable(h.host(), h.logins())).toList();
        } catch (ControlPlaneClient.Unavailable e) {
            log.warn("menu: {}", e.getMessage());
            return List.of();
        }
    }

    @Override
    public AccessChanges changesSince(long revision) {
        try {
            NodeWire.Changes c = client.call(NodeWire.CHANGES, new NodeWire.Since(revision), NodeWire.Changes.class);
            changesFailing = false;
            if (c.everyone()) {
                cache.clear();
            } else if (!c.people().isEmpty()) {
                cache.values().removeIf(cached -> cached.username() != null
                        && c.people().containsKey(cached.username()));
            }
            return new AccessChanges(c.revision(), c.people(), c.everyone());
        } catch (ControlPlaneClient.Unavailable e) {
            // Polled every 2 s: said once per outage, not every time.
            if (!changesFailing) {
                log.warn("access changes: {}; live sessions go on as decided until it answers again", e.getMessage());
            }
            changesFailing = true;
            return AccessChanges.none(revision);
        }
    }

    @Override
    public boolean learnHostKey(String targetName, PublicKey hostKey) {
        try {
            return client.call(NodeWire.HOST_KEY, new NodeWire.HostKey(targetName, PublicKeyEntry.toString(hostKey)),
                    NodeWire.Trusted.class).trusted();
        } catch (ControlPlaneClient.Unavailable e) {
            log.warn("host key of {} not learned: {}", targetName, e.getMessage());
            return false;
        }
    }

    @Override
    public List<PublicKey> hostCertificateAuthorities() {
        Instant now = clock.instant();
        if (hostCas == null || now.isAfter(hostCasUntil)) {
            try {
                hostCas = client.call(NodeWire.HOST_CAS, Map.of(), NodeWire.Keys.class).keys().stream()
                        .map(NodeWire::key).toList();
                hostCasUntil = now.plus(Duration.ofMinutes(1));
            } catch (ControlPlaneClient.Unavailable e) {
                log.warn("host CAs: {}", e.getMessage());
            }
        }
        return hostCas == null ? List.of() : hostCas;
    }

    private interface Ask<T> {
        Decision<T> ask() throws ControlPlaneClient.Unavailable;
    }

    @SuppressWarnings("unchecked") // a key names one question, so its cached decision is of that question's type
    private <T> Decision<T> cached(String key, String username, Ask<T> ask, Function<Decision<T>, String> owner) {
        Instant now = clock.instant();
        Cached hit = cache.get(key);
        if (hit != null && now.isBefore(hit.until())) {
            return (Decision<T>) hit.decision();
        }
        try {
            Decision<T> decision = ask.ask();
            // Only grants are kept: a refusal is asked again next time, so a grant takes effect at once.
            if (decision instanceof Decision.Allowed<T>) {
                if (cache.size() >= MAX_CACHED) {
                    cache.clear();
                }
                cache.put(key, new Cached(decision, username != null ? username : owner.apply(decision),
                        now.plus(ttl)));
            }
            return decision;
        } catch (ControlPlaneClient.Unavailable e) {
            log.warn("access decision: {}", e.getMessage());
            return Decision.unavailable(e.status() == 0 ? UNREACHABLE
                    : "the control plane refused this node's question");
        }
    }
}
