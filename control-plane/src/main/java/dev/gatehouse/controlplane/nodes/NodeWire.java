package dev.gatehouse.controlplane.nodes;

import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.ForwardRoute;
import dev.gatehouse.sshproxy.access.Forwarding;
import dev.gatehouse.sshproxy.access.HostAndPort;
import dev.gatehouse.sshproxy.access.Target;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * The JSON a bastion node and the control plane exchange on the node port: one record per question and answer, and
 * the conversions to and from the bastion library's types. Keys and certificates travel as OpenSSH lines.
 */
public final class NodeWire {

    private NodeWire() {}

    /**
     * The common name of the node port's own certificate. The X.509 CA also certifies every node and agent, so a node
     * trusts a control plane only if its certificate carries this name: another node's or an agent's certificate,
     * valid as it is, cannot pose as the control plane.
     */
    public static final String NODE_PORT_CERTIFICATE = "gatehouse node port";

    /** Paths on the node port. */
    public static final String ENROL = "/node/v1/enrol";
    public static final String RENEW = "/node/v1/renew";
    public static final String AUTHENTICATE = "/node/v1/authenticate";
    public static final String LOGIN = "/node/v1/authorize-login";
    public static final String FORWARD = "/node/v1/authorize-forward";
    public static final String REACHABLE = "/node/v1/reachable";
    public static final String CHANGES = "/node/v1/access-changes";
    public static final String HOST_KEY = "/node/v1/host-key";
    public static final String HOST_CAS = "/node/v1/host-cas";
    public static final String USER_CERTIFICATE = "/node/v1/user-certificate";
    public static final String HOST_CERTIFICATE = "/node/v1/host-certificate";
    public static final String EVIDENCE = "/node/v1/evidence";
    public static final String HEARTBEAT = "/node/v1/heartbeat";
    public static final String RESERVE = "/node/v1/session-reserve";
    public static final String RELEASE = "/node/v1/session-release";
    public static final String ACCESS_REQUEST = "/node/v1/access-request";
    public static final String ORDERS = "/node/v1/orders";
    public static final String ORDER_DONE = "/node/v1/order-done";
    public static final String DETACHED_ELSEWHERE = "/node/v1/detached-elsewhere";
    public static final String LIVE = "/node/v1/live";
    public static final String APPROVAL_RULE = "/node/v1/approval-rule";
    public static final String APPROVAL_REQUEST = "/node/v1/approval-request";
    public static final String APPROVAL_AWAIT = "/node/v1/approval-await";
    public static final String APPROVAL_WITHDRAW = "/node/v1/approval-withdraw";

    /** {@code recordingKey}: base64 of the X.509 encoding of the Ed25519 key that signs the node's recordings. */
    public record Enrol(String token, String name, String csr, String recordingKey) {}

    public record Renew(String csr) {}

    /** A certificate chain in PEM, the node's first. */
    public record Chain(String pem) {}

    /**
     * {@code approvals}: the node asks for approvals in the browser itself (null from an older node, whose keys of
     * people needing one are then refused).
     */
    public record Authenticate(String publicKey, Boolean approvals) {}

    /** Whether a person's logins need approval in the browser: {@code rule} an {@code ApprovalRule} name. */
    public record Rule(String rule) {}

    /** A login on a node waiting for its person's approval in the browser, as the approval page shows it. */
    public record ApprovalAsk(String person, String target, String source, String clientVersion, boolean afterKey) {}

    /** An approval opened: the code and link the client is shown, and how long it waits. */
    public record Approval(String code, String url, long ttlSeconds) {}

    public record ApprovalCode(String code) {}

    /** The answer to an approval's long poll: {@code decided} false while it still waits. */
    public record ApprovalOutcome(boolean decided, boolean approved, String user, String reason) {}

    /** {@code recheck}: a live session's access asked again (no new-session limits apply). */
    public record Login(String user, String login, String host, boolean recheck) {}

    public record Forward(String user, WireTarget via, String host, int port) {}

    public record User(String user) {}

    /** A person's access request typed into a bastion node's SSH menu. */
    public record AccessRequestAsk(String user, String role, int minutes, String reason) {}

    public record Since(long revision) {}

    public record HostKey(String target, String publicKey) {}

    public record Trusted(boolean trusted) {}

    public record Keys(List<String> keys) {}

    public record UserCertificate(String user, String login, String sessionId, String publicKey, boolean port,
            boolean remote, boolean agent) {}

    public record HostCertificate(List<String> principals, String publicKey) {}

    public record Certificate(String certificate) {}

    public record WireReachable(String host, List<String> logins) {}

    /** A concurrent-session slot for a session about to start, or given back when it ended. */
    public record Slot(String user, String sessionId) {}

    /**
     * {@code sessions}: the sessions this node holds slots for (null from a node that does not say); {@code ended}:
     * sessions whose slot it gave back without an answer; {@code detached}: the sessions it keeps for re-attach (null
     * from a node that does not say).
     */
    public record Heartbeat(List<String> sessions, List<String> ended, List<Detached> detached) {

        public Heartbeat withDetached(List<Detached> kept) {
            return new Heartbeat(sessions, ended, kept);
        }
    }

    /** A session the node keeps for re-attach; {@code detachedAt} in epoch milliseconds. */
    public record Detached(String sessionId, String user, String login, String host, long detachedAt) {}

    /** Where a person's detached session on a login and host is kept, asked by a node that has none. */
    public record Where(String user, String login, String host) {}

    /** The answer to {@link Where}: {@code node} null when no other node keeps one. */
    public record Elsewhere(String node, long detachedAt) {}

    /**
     * Something the control plane asks a node to do to a session it holds: {@code kind} {@code terminate}, or
     * {@code watch} (relay its terminal to {@code replyTo}, a control plane's node port, or when null to the node's own
     * control-plane URL).
     */
    public record Order(long id, String kind, String sessionId, String reason, String replyTo) {}

    public record Orders(List<Order> orders) {}

    /** The node's answer to an order: {@code ended} false when the session was not live there. */
    public record OrderDone(long id, boolean ended) {}

    /**
     * A watched activity's terminal, relayed by the node that holds it under watch order {@code watch} (its
     * {@link Order#id}); at most {@link #MAX_LIVE_FRAMES} frames.
     */
    public record LiveBatch(String sessionId, Long watch, List<dev.gatehouse.controlplane.live.LiveFrame> frames) {}

    /** {@code watching}: someone still watches; false tells the node to stop relaying. */
    public record LiveAnswer(boolean watching) {}

    public static final int MAX_LIVE_FRAMES = 1024;

    public record Changes(long revision, Map<String, String> people, boolean everyone) {}

    /** An answer that is either allowed with a value or denied with a reason. */
    public record Answer<T>(boolean allowed, String reason, T value) {
        public static <T> Answer<T> of(Decision<?> decision, T value) {
            return decision instanceof Decision.Denied<?> denied ? new Answer<>(false, denied.reason(), null)
                    : new Answer<>(true, null, value);
        }
    }

    /** A grant as a node gets it; {@code detachedSeconds}: how long a lost shell is kept for re-attach (0: not). */
    public record WireTarget(String name, String host, int port, String network, String pinnedHostKey,
            long maxSessionSeconds, boolean portForwarding, boolean remoteForwarding, boolean agentForwarding,
            long detachedSeconds) {

        public static WireTarget of(Target target) {
            return new WireTarget(target.name(), target.address().host(), target.address().port(), target.network(),
                    target.pinnedHostKey().map(PublicKeyEntry::toString).orElse(null),
                    target.maxSessionLength().toSeconds(), target.forwarding().port(), target.forwarding().remote(),
                    target.forwarding().agent(), target.detachedFor().toSeconds());
        }

        public Target target() {
            return new Target(name, new HostAndPort(host, port), network,
                    Optional.ofNullable(pinnedHostKey).map(NodeWire::key), Duration.ofSeconds(maxSessionSeconds),
                    new Forwarding(portForwarding, remoteForwarding, agentForwarding),
                    Duration.ofSeconds(detachedSeconds));
        }
    }

    public record WireRoute(String network, String host, int port, long maxSessionSeconds) {

        public static WireRoute of(ForwardRoute route) {
            return new WireRoute(route.network(), route.address().host(), route.address().port(),
                    route.maxSessionLength().toSeconds());
        }

        public ForwardRoute route() {
            return new ForwardRoute(network, new HostAndPort(host, port), Duration.ofSeconds(maxSessionSeconds));
        }
    }

    /** A public key or certificate from its OpenSSH line; IllegalArgumentException when it is none. */
    public static PublicKey key(String line) {
        try {
            PublicKey key = PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, Map.of(), null);
            if (key == null) {
                throw new IllegalArgumentException("unsupported key type");
            }
            return key;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not an OpenSSH public key line: " + e.getMessage());
        }
    }
}
