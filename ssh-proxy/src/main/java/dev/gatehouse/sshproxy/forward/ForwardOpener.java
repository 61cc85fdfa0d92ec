package dev.gatehouse.sshproxy.forward;

import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.ForwardRoute;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.access.HostAndPort;
import dev.gatehouse.sshproxy.access.Target;
import dev.gatehouse.sshproxy.dial.DialedConnection;
import dev.gatehouse.sshproxy.dial.DirectDialer;
import dev.gatehouse.sshproxy.dial.TargetDialer;
import dev.gatehouse.sshproxy.events.Activity;
import dev.gatehouse.sshproxy.events.BastionListener;
import dev.gatehouse.sshproxy.events.Denial;
import dev.gatehouse.sshproxy.events.FlowRecord;
import dev.gatehouse.sshproxy.events.SessionInfo;
import dev.gatehouse.sshproxy.session.SessionKeys;
import dev.gatehouse.sshproxy.session.TargetConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.session.ServerSession;

/**
 * Decides what a {@code direct-tcpip} request is: a ProxyJump to a host this person may log in to (port 22, the
 * inner SSH is terminated by this bastion), or a port forward a role must grant (dialled inside the granted network).
 */
public final class ForwardOpener implements ChannelFactory {

    private static final int SSH_PORT = 22;

    private final AccessDecider decider;
    private final TargetDialer dialer;
    private final JumpRegistry jumps;
    private final Supplier<InetSocketAddress> self;
    private final BastionListener listener;
    private final Duration timeout;
    private final Map<ForwardChannel, OpenFlow> flows = new ConcurrentHashMap<>();

    private static final AttributeKey<ForwardOnlySession> FORWARD_ONLY = new AttributeKey<>();

    private record OpenFlow(Activity activity, ForwardRoute route, String originator, Instant start) {
    }

    public ForwardOpener(AccessDecider decider, TargetDialer dialer, JumpRegistry jumps,
                         Supplier<InetSocketAddress> self, BastionListener listener, Duration timeout) {
        this.decider = Objects.requireNonNull(decider, "decider");
        this.dialer = Objects.requireNonNull(dialer, "dialer");
        this.jumps = Objects.requireNonNull(jumps, "jumps");
        this.self = Objects.requireNonNull(self, "self");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public String getName() {
        return "direct-tcpip";
    }

    @Override
    public Channel createChannel(Session session) {
        return new ForwardChannel(this);
    }

    DialedConnection open(ForwardChannel channel, String host, int port, String originator) throws IOException {
        ServerSession session = (ServerSession) channel.getSession();
        GatewayUser user = session.getAttribute(SessionKeys.USER);
        if (user == null) {
            throw new ForwardRefusedException("not authenticated");
        }
        String source = SessionKeys.source(session);
        TargetConnection carrier = session.getAttribute(SessionKeys.TARGET);
        Optional<Target> via = Optional.ofNullable(carrier == null ? null : carrier.target());
        if (port == SSH_PORT && via.isEmpty() && session.getAttribute(SessionKeys.JUMP) == null
                && decider.reachable(user).stream().anyMatch(r -> r.host().equals(host))) {
            return jumpTo(new JumpRegistry.Jump(user, host, source));
        }
        HostAndPort destination;
        try {
            destination = new HostAndPort(host, port);
        } catch (IllegalArgumentException e) {
            throw new ForwardRefusedException("bad destination: " + e.getMessage());
        }
        Decision<ForwardRoute> decision = decider.authorizeForward(user, via, destination);
        if (decision instanceof Decision.Denied<ForwardRoute> denied) {
            String reason = port == SSH_PORT && via.isEmpty() ? "no such host " + host + " for " + user.username()
                    : denied.reason();
            listener.denied(null, new Denial(user.username(), source, "forward " + destination, reason));
            throw new ForwardRefusedException(reason);
        }
        ForwardRoute route = ((Decision.Allowed<ForwardRoute>) decision).value();
        DialedConnection connection;
        try {
            connection = dialer.dial(route.network(), route.address(), timeout);
        } catch (IOException e) {
            // A granted destination that cannot be reached is still evidence: who tried, where to, and why it failed.
            listener.denied(null, new Denial(user.username(), source, "forward " + destination + " via "
                    + route.address() + " in network '" + route.network() + "'", "dial failed: " + e.getMessage()));
            throw e;
        }
        Activity activity = carrier != null && carrier.info() != null
                ? carrier.startActivity(Activity.Kind.FORWARD, "forward " + destination, null, 0, 0)
                : forwardOnly(session, user, source, destination);
        flows.put(channel, new OpenFlow(activity, route, originator, Instant.now()));
        return connection;
    }

    /** A connection that only forwards (no target login) still gets a session id, and one activity per flow. */
    private Activity forwardOnly(ServerSession session, GatewayUser user, String source, HostAndPort destination) {
        ForwardOnlySession holder = session.computeAttributeIfAbsent(FORWARD_ONLY, k -> new ForwardOnlySession(
                new SessionInfo(UUID.randomUUID().toString(), user.username(), "-", "-", Target.DIRECT_NETWORK, source,
                        Instant.now())));
        int n = holder.flows.incrementAndGet();
        Activity activity = new Activity(n == 1 ? holder.info.sessionId() : holder.info.sessionId() + "." + n,
                holder.info, Activity.Kind.FORWARD, "forward " + destination, null, 0, 0, Instant.now());
        listener.activityStarted(activity);
        return activity;
    }

    private record ForwardOnlySession(SessionInfo info, AtomicInteger flows) {
        ForwardOnlySession(SessionInfo info) {
            this(info, new AtomicInteger());
        }
    }

    private DialedConnection jumpTo(JumpRegistry.Jump jump) throws IOException {
        InetSocketAddress bastion = self.get();
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.bind(new InetSocketAddress(bastion.getAddress(), 0));
        int localPort = socket.getLocalPort();
        jumps.expect(localPort, jump);
        try {
            socket.connect(bastion, (int) timeout.toMillis());
            return new DirectDialer.SocketConnection(socket);
        } catch (IOException e) {
            jumps.forget(localPort);
            socket.close();
            throw e;
        }
    }

    void closed(ForwardChannel channel, long bytesToDestination, long bytesFromDestination) {
        OpenFlow flow = flows.remove(channel);
        if (flow != null) {
            listener.flow(flow.activity(), new FlowRecord(flow.route().address().toString(), flow.route().network(),
                    flow.originator(), bytesToDestination, bytesFromDestination,
                    Duration.between(flow.start(), Instant.now())));
            listener.activityEnded(flow.activity(), null, null, "closed");
        }
    }
}
