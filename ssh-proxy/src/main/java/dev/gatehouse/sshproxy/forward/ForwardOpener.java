package dev.gatehouse.sshproxy.forward;

import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.recording.ForwardFlow;
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
import dev.gatehouse.sshproxy.events.SourceAddress;
import dev.gatehouse.sshproxy.session.AccessRefusedException;
import dev.gatehouse.sshproxy.session.ForwardOnlySession;
import dev.gatehouse.sshproxy.session.LiveForward;
import dev.gatehouse.sshproxy.session.SessionKeys;
import dev.gatehouse.sshproxy.session.TargetConnection;
import dev.gatehouse.sshproxy.session.TargetSessions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.session.ServerSession;

/**
 * Decides what a {@code direct-tcpip} request is: a ProxyJump to a host this person may log in to (port 22, the
 * inner SSH is terminated by this bastion), or a port forward a role must grant (dialled inside the granted network).
 * On a connection that has a target ({@code login@host}, or a ProxyJump's inner session) a forward is the target's: it
 * becomes a {@code direct-tcpip} channel on the upstream session when a role granting that login allows port forwarding.
 */
public final class ForwardOpener implements ChannelFactory, ChannelEndpoint {

    private static final int SSH_PORT = 22;

    private final AccessDecider decider;
    private final TargetDialer dialer;
    private final JumpRegistry jumps;
    private final Supplier<InetSocketAddress> self;
    private final BastionListener listener;
    private final Duration timeout;
    private final TargetSessions sessions;
    private final Map<ForwardChannel, OpenFlow> flows = new ConcurrentHashMap<>();

    /** {@code live} is null for a forward the target opens (it ends with the target session, not on its own). */
    private record OpenFlow(Activity activity, ForwardRoute route, String originator, Instant start, LiveForward live) {
    }

    public ForwardOpener(AccessDecider decider, TargetDialer dialer, JumpRegistry jumps,
                         Supplier<InetSocketAddress> self, BastionListener listener, Duration timeout,
                         TargetSessions sessions) {
        this.decider = Objects.requireNonNull(decider, "decider");
        this.dialer = Objects.requireNonNull(dialer, "dialer");
        this.jumps = Objects.requireNonNull(jumps, "jumps");
        this.self = Objects.requireNonNull(self, "self");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
    }

    @Override
    public String getName() {
        return "direct-tcpip";
    }

    @Override
    public Channel createChannel(Session session) {
        return new ForwardChannel(this);
    }

    @Override
    public DialedConnection open(ForwardChannel channel, String host, int port, String originator) throws IOException {
        ServerSession session = (ServerSession) channel.getSession();
        GatewayUser user = session.getAttribute(SessionKeys.USER);
        if (user == null) {
            throw new ForwardRefusedException("not authenticated");
        }
        String source = SessionKeys.source(session);
        TargetConnection carrier = sessions.connectionFor(session);
        if (carrier != null) {
            return throughTarget(channel, carrier, host, port, originator);
        }
        // From here on a bare forward: the connection has no target login, so the destination is granted by address.
        Optional<Target> via = Optional.empty();
        if (port == SSH_PORT && session.getAttribute(SessionKeys.JUMP) == null
                && decider.reachable(user).stream().anyMatch(r -> r.host().equals(host))) {
            return jumpTo(new JumpRegistry.Jump(user, host, source,
                    session.getAttribute(SessionKeys.APPROVED) != null && session.getAttribute(SessionKeys.KEY) == null));
        }
        HostAndPort destination;
        try {
            destination = new HostAndPort(host, port);
        } catch (IllegalArgumentException e) {
            throw new ForwardRefusedException("bad destination: " + e.getMessage());
        }
        Decision<ForwardRoute> decision = decider.authorizeForward(user, via, destination);
        if (decision instanceof Decision.Denied<ForwardRoute> denied) {
            String reason = port == SSH_PORT ? "no such host " + host + " for " + user.username()
                    : denied.reason();
            listener.denied(null, new Denial(user.username(), source, "forward " + destination, reason));
            throw new ForwardRefusedException(reason);
        }
        ForwardRoute route = ((Decision.Allowed<ForwardRoute>) decision).value();
        // A connection that only forwards is a session too: admitted against the person's limit before any dial.
        ForwardOnlySession forwardOnly;
        try {
            forwardOnly = sessions.forwardOnly(session, user, route.maxSessionLength());
        } catch (AccessRefusedException e) {
            listener.denied(null, new Denial(user.username(), source, "forward " + destination, e.getMessage()));
            throw new ForwardRefusedException(e.getMessage());
        }
        DialedConnection connection;
        try {
            connection = dialer.dial(route.network(), route.address(), timeout);
        } catch (IOException e) {
            // A granted destination that cannot be reached is still evidence: who tried, where to, and why it failed.
            listener.denied(null, new Denial(user.username(), source, "forward " + destination + " via "
                    + route.address() + " in network '" + route.network() + "'", "dial failed: " + e.getMessage()));
            throw e;
        }
        Activity activity = forwardOnly.startFlow("forward " + destination);
        LiveForward live = new LiveForward(via, destination, () -> channel.close(true));
        session.computeAttributeIfAbsent(SessionKeys.FORWARDS, k -> ConcurrentHashMap.newKeySet()).add(live);
        flows.put(channel, new OpenFlow(activity, route, originator, Instant.now(), live));
        return connection;
    }

    /** Logs in to the target if no channel did yet, then asks it to open {@code host:port}. */
    private DialedConnection throughTarget(ForwardChannel channel, TargetConnection carrier, String host, int port,
                                           String originator) throws IOException {
        HostAndPort destination;
        try {
            destination = new HostAndPort(host, port);
        } catch (IllegalArgumentException e) {
            throw new ForwardRefusedException("bad destination: " + e.getMessage());
        }
        ClientSession upstream;
        try {
            upstream = carrier.open();
        } catch (AccessRefusedException e) {
            // Already audited as the refused login.
            throw new ForwardRefusedException(e.getMessage());
        }
        Target target = carrier.target();
        if (!target.forwarding().port()) {
            String reason = "port forwarding to " + destination + " on " + target.name() + " is not allowed: no role"
                    + " granting this login there allows port forwarding";
            listener.denied(carrier.info(), new Denial(carrier.user().username(),
                    SourceAddress.of(carrier.downstream().getClientAddress()), "forward " + destination, reason));
            throw new ForwardRefusedException(reason);
        }
        DialedConnection connection = UpstreamForward.open(upstream, host, port, originator, timeout);
        Activity activity = carrier.startActivity(Activity.Kind.FORWARD, "forward " + destination, null, 0, 0);
        flows.put(channel, new OpenFlow(activity, new ForwardRoute(target.network(), destination), originator,
                Instant.now(), null));
        return connection;
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

    @Override
    public void closed(ForwardChannel channel, long bytesToDestination, long bytesFromDestination) {
        OpenFlow flow = flows.remove(channel);
        if (flow != null) {
            Set<LiveForward> open = channel.getSession().getAttribute(SessionKeys.FORWARDS);
            if (open != null && flow.live() != null) {
                open.remove(flow.live());
            }
            listener.flow(flow.activity(), new ForwardFlow(ForwardFlow.DIRECT, flow.route().address().toString(),
                    flow.route().network(), flow.originator(), bytesToDestination, bytesFromDestination,
                    Duration.between(flow.start(), Instant.now()), AuditEvent.SUCCESS));
            listener.activityEnded(flow.activity(), null, null, "closed");
        }
    }
}
