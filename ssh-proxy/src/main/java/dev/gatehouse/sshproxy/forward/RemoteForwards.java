package dev.gatehouse.sshproxy.forward;

import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.recording.ForwardFlow;
import dev.gatehouse.sshproxy.access.HostAndPort;
import dev.gatehouse.sshproxy.access.Target;
import dev.gatehouse.sshproxy.dial.DialedConnection;
import dev.gatehouse.sshproxy.events.Activity;
import dev.gatehouse.sshproxy.events.BastionListener;
import dev.gatehouse.sshproxy.events.Denial;
import dev.gatehouse.sshproxy.events.SourceAddress;
import dev.gatehouse.sshproxy.session.AccessRefusedException;
import dev.gatehouse.sshproxy.session.SessionKeys;
import dev.gatehouse.sshproxy.session.TargetConnection;
import dev.gatehouse.sshproxy.session.TargetSessions;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.ConnectionServiceRequestHandler;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.ServerSession;

/**
 * Remote forwards ({@code -R}) inside a target session, when a role granting that login allows remote forwarding: the
 * client's {@code tcpip-forward} is asked of the target, and each {@code forwarded-tcpip} channel the target opens for
 * it comes back to the client as one, a recorded flow of the session. Connections without a target are left to MINA's
 * own handler, whose filter refuses them.
 */
public final class RemoteForwards implements ChannelEndpoint {

    private static final String FORWARD = "tcpip-forward";
    private static final String CANCEL = "cancel-tcpip-forward";
    /** Listeners one session may ask the target for, so a client cannot make a target bind without bound. */
    static final int MAX_PER_SESSION = 16;

    /** The binds the target accepted for this incoming connection ({@code address:port}). */
    private static final AttributeKey<Set<String>> BINDS = new AttributeKey<>();
    /** Replies to global requests leave in the order the requests came, so one connection's are chained. */
    private static final AttributeKey<AtomicReference<CompletableFuture<Void>>> ORDER = new AttributeKey<>();

    private final TargetSessions sessions;
    private final BastionListener listener;
    private final Duration timeout;
    private final Map<ForwardChannel, OpenFlow> flows = new ConcurrentHashMap<>();

    private record OpenFlow(Activity activity, String destination, String network, String originator, Instant start) {
    }

    public RemoteForwards(TargetSessions sessions, BastionListener listener, Duration timeout) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** The gateway's handler of {@code tcpip-forward} and {@code cancel-tcpip-forward} on connections with a target. */
    public ConnectionServiceRequestHandler requests() {
        return (service, request, wantReply, buffer) -> {
            if ((!FORWARD.equals(request) && !CANCEL.equals(request))
                    || !(service.getSession() instanceof ServerSession session)) {
                return RequestHandler.Result.Unsupported;
            }
            TargetConnection carrier = sessions.connectionFor(session);
            if (carrier == null) {
                return RequestHandler.Result.Unsupported;
            }
            String address = buffer.getString();
            int port = buffer.getInt();
            inOrder(session, () -> relay(carrier, request, address, port, wantReply));
            return RequestHandler.Result.Replied;
        };
    }

    /** The upstream client's factory for {@code forwarded-tcpip} channels the targets open. */
    public ChannelFactory forwardedChannels() {
        return new ChannelFactory() {
            @Override
            public String getName() {
                return "forwarded-tcpip";
            }

            @Override
            public Channel createChannel(Session session) {
                return new ForwardChannel(RemoteForwards.this);
            }
        };
    }

    private static void inOrder(ServerSession session, Runnable step) {
        AtomicReference<CompletableFuture<Void>> tail = session.computeAttributeIfAbsent(ORDER,
                k -> new AtomicReference<>(CompletableFuture.completedFuture(null)));
        synchronized (tail) {
            tail.set(tail.get().thenRunAsync(step, command -> Thread.ofVirtual().name("remote-forward").start(command)));
        }
    }

    private void relay(TargetConnection carrier, String request, String address, int port, boolean wantReply) {
        ServerSession session = carrier.downstream();
        Integer bound = null;
        try {
            bound = ask(carrier, request, address, port);
        } catch (ForwardRefusedException | AccessRefusedException e) {
            log(carrier, request, address, port, e.getMessage());
        } catch (IOException | RuntimeException e) {
            log(carrier, request, address, port, "the target refused: " + e.getMessage());
        }
        if (!wantReply) {
            return;
        }
        try {
            Buffer reply = session.createBuffer(bound != null ? SshConstants.SSH_MSG_REQUEST_SUCCESS
                    : SshConstants.SSH_MSG_REQUEST_FAILURE, Integer.BYTES);
            if (bound != null && FORWARD.equals(request) && port == 0) {
                reply.putUInt(bound);
            }
            session.writePacket(reply);
        } catch (IOException e) {
            session.close(true);
        }
    }

    /** The port the target bound (or, for a cancel, the one given); an exception says why not. */
    private Integer ask(TargetConnection carrier, String request, String address, int port) throws IOException {
        ClientSession upstream = carrier.open();
        Target target = carrier.target();
        if (!target.forwarding().remote()) {
            throw new ForwardRefusedException("remote forwarding on " + target.name() + " is not allowed: no role"
                    + " granting this login there allows remote forwarding");
        }
        Set<String> binds = upstream.computeAttributeIfAbsent(BINDS, k -> ConcurrentHashMap.newKeySet());
        if (FORWARD.equals(request) && binds.size() >= MAX_PER_SESSION) {
            throw new ForwardRefusedException("at most " + MAX_PER_SESSION + " remote forwards per session");
        }
        Buffer buffer = upstream.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, address.length() + 32);
        buffer.putString(request);
        buffer.putBoolean(true);
        buffer.putString(address);
        buffer.putUInt(port);
        Buffer reply = upstream.request(request, buffer, timeout);
        if (reply == null) {
            throw new ForwardRefusedException("the target refused " + request + " " + address + ":" + port);
        }
        int bound = FORWARD.equals(request) && port == 0 ? reply.getInt() : port;
        if (FORWARD.equals(request)) {
            binds.add(address + ":" + bound);
        } else {
            binds.remove(address + ":" + port);
        }
        return bound;
    }

    private void log(TargetConnection carrier, String request, String address, int port, String reason) {
        listener.denied(carrier.info(), new Denial(carrier.user().username(),
                SourceAddress.of(carrier.downstream().getClientAddress()),
                (FORWARD.equals(request) ? "remote forward " : "cancel remote forward ") + address + ":" + port,
                reason));
    }

    /** A {@code forwarded-tcpip} channel from a target: relayed to the client if it asked for that listener. */
    @Override
    public DialedConnection open(ForwardChannel channel, String host, int port, String originator) throws IOException {
        ClientSession upstream = (ClientSession) channel.getSession();
        TargetConnection carrier = upstream.getAttribute(SessionKeys.CARRIER);
        Set<String> binds = upstream.getAttribute(BINDS);
        if (carrier == null || binds == null || !binds.contains(host + ":" + port)) {
            throw new ForwardRefusedException("no remote forward " + host + ":" + port + " was requested");
        }
        DialedConnection connection = UpstreamForward.open(carrier.downstream(), "forwarded-tcpip", host, port,
                originator, timeout);
        String destination = new HostAndPort(host, port).toString();
        Activity activity = carrier.startActivity(Activity.Kind.FORWARD, "remote forward " + destination, null, 0, 0);
        flows.put(channel, new OpenFlow(activity, destination, carrier.target().network(), originator, Instant.now()));
        return connection;
    }

    @Override
    public void closed(ForwardChannel channel, long bytesToDestination, long bytesFromDestination) {
        OpenFlow flow = flows.remove(channel);
        if (flow != null) {
            listener.flow(flow.activity(), new ForwardFlow(ForwardFlow.FORWARDED, flow.destination(), flow.network(),
                    flow.originator(), bytesToDestination, bytesFromDestination,
                    Duration.between(flow.start(), Instant.now()), AuditEvent.SUCCESS));
            listener.activityEnded(flow.activity(), null, null, "closed");
        }
    }
}
