package dev.gatehouse.sshproxy.server;

import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.CertificateIssuer;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.channel.BytesInFlight;
import dev.gatehouse.sshproxy.dial.TargetDialer;
import dev.gatehouse.audit.events.RepeatedRefusals;
import dev.gatehouse.sshproxy.events.BastionListener;
import dev.gatehouse.sshproxy.events.Denial;
import dev.gatehouse.sshproxy.events.GuardedListener;
import dev.gatehouse.sshproxy.events.SourceAddress;
import dev.gatehouse.sshproxy.forward.AgentForwards;
import dev.gatehouse.sshproxy.forward.ExplainedOpenFailures;
import dev.gatehouse.sshproxy.forward.ForwardOpener;
import dev.gatehouse.sshproxy.forward.JumpRegistry;
import dev.gatehouse.sshproxy.forward.RefusingForwardingFilter;
import dev.gatehouse.sshproxy.forward.RemoteForwards;
import dev.gatehouse.sshproxy.proxyprotocol.ProxyProtocolAcceptor;
import dev.gatehouse.sshproxy.session.GatewayChannelSession;
import dev.gatehouse.sshproxy.session.LiveAccessCheck;
import dev.gatehouse.sshproxy.session.SessionCommands;
import dev.gatehouse.sshproxy.session.SessionKeys;
import dev.gatehouse.sshproxy.session.TargetSessions;
import dev.gatehouse.sshproxy.sftp.SftpAudit;
import dev.gatehouse.sshproxy.sftp.TargetFileSystems;
import dev.gatehouse.sshproxy.sftp.TargetSftpSubsystemFactory;
import dev.gatehouse.sshproxy.upstream.UpstreamConnector;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.helpers.AbstractConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionDisconnectHandler;
import org.apache.sshd.common.session.helpers.TimeoutIndicator;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.server.session.ServerUserAuthServiceFactory;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * The SSH bastion: stock OpenSSH clients in, certificate-authenticated SSH out to targets. Start it, read
 * {@link #port()}, {@link #close()} it. Access decisions, certificates, dialing and event handling are the seams
 * passed in.
 */
public final class BastionServer implements Closeable {

    /** Channels one incoming connection may hold open at once. */
    public static final int MAX_CHANNELS_PER_CONNECTION = 32;

    /** Set while a connection counts against the unauthenticated limits: the address it counts for. */
    private static final AttributeKey<String> UNAUTHENTICATED_FROM = new AttributeKey<>();

    private final BastionConfig config;
    private final SshServer server;
    private volatile boolean draining;
    private final UpstreamConnector connector;
    private final TargetSessions sessions;
    private final LiveAccessCheck accessCheck;
    private final ClientKeepAlive keepAlive;
    private final JumpRegistry jumps = new JumpRegistry();
    private final BastionHostKey hostKey;
    private final RepeatedRefusals refusals;
    private final BrowserApproval approvals;
    private final BastionListener listener;
    private final UnauthenticatedConnections unauthenticated;
    /** Null unless {@code gatehouse.ssh.proxy-protocol} is on. */
    private final ProxyProtocolAcceptor proxyProtocol;

    public BastionServer(BastionConfig config, AccessDecider decider, CertificateIssuer issuer, TargetDialer dialer,
                         BastionListener listener) throws IOException {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(decider, "decider");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(dialer, "dialer");
        BastionListener guarded = new GuardedListener(Objects.requireNonNull(listener, "listener"));
        this.listener = guarded;
        this.hostKey = new BastionHostKey(config.hostKeyDirectory(), issuer, config.hostNames());
        this.connector = new UpstreamConnector(issuer, decider, dialer, config.connectTimeout());
        this.sessions = new TargetSessions(decider, connector, guarded, config.maxSessionsPerUser(),
                config.failMode() == BastionConfig.FailMode.CLOSED);
        this.accessCheck = new LiveAccessCheck(sessions, decider, guarded);
        this.keepAlive = new ClientKeepAlive(config.keepAlive(), BastionConfig.KEEP_ALIVE_MISSES);
        this.server = SshServer.setUpDefaultServer();
        server.setSessionFactory(KeepAliveAwareSession.factory(server));
        server.setHost(config.bindAddress());
        server.setPort(config.port());
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey.keyPair()));
        server.setHostKeyCertificateProvider(hostKey);
        this.refusals = new RepeatedRefusals(config.authLimits().refusalInterval(), config.authLimits().trackedKeys(),
                Clock.systemUTC(), summary -> guarded.denied(null, new Denial("-", summary.source(), "auth publickey",
                        summary.count() + " more refusals from this address between " + summary.first() + " and "
                                + summary.last() + " (repeated refusals, counted)")));
        this.unauthenticated = new UnauthenticatedConnections(config.authLimits());
        this.proxyProtocol = config.proxyProtocol().enabled()
                ? new ProxyProtocolAcceptor(config.proxyProtocol(), new ProxyOutcome()) : null;
        server.setServerProxyAcceptor(proxyProtocol);
        AuthFailureLimiter limiter = new AuthFailureLimiter(config.authLimits(), Clock.systemUTC());
        server.setPublickeyAuthenticator(new GatewayAuthenticator(decider, guarded, limiter, refusals));
        server.setPasswordAuthenticator(null);
        this.approvals = new BrowserApproval(decider, guarded, limiter);
        server.setKeyboardInteractiveAuthenticator(approvals);
        server.setUserAuthFactories(List.of(new KeyThenApproval(), UserAuthKeyboardInteractiveFactory.INSTANCE));
        server.setGSSAuthenticator(null);
        server.setHostBasedAuthenticator(null);
        SessionCommands commands = new SessionCommands(sessions, decider, config, this::port);
        server.setShellFactory(commands::shell);
        server.setCommandFactory(commands::exec);
        SftpSubsystemFactory sftp = new TargetSftpSubsystemFactory();
        sftp.addSftpEventListener(new SftpAudit(guarded));
        server.setSubsystemFactories(List.of(sftp));
        server.setFileSystemFactory(new TargetFileSystems(sessions));
        server.setForwardingFilter(new RefusingForwardingFilter(guarded));
        RemoteForwards remoteForwards = new RemoteForwards(sessions, guarded, config.connectTimeout());
        connector.acceptFromTargets(List.of(remoteForwards.forwardedChannels(),
                new AgentForwards(guarded, config.connectTimeout()).agentChannels()));
        List<RequestHandler<ConnectionService>> globalRequests = new ArrayList<>();
        globalRequests.add(remoteForwards.requests());
        globalRequests.addAll(server.getGlobalRequestHandlers());
        server.setGlobalRequestHandlers(globalRequests);
        server.setServiceFactories(List.of(ServerUserAuthServiceFactory.INSTANCE, new ExplainedOpenFailures()));
        server.setChannelFactories(List.of(GatewayChannelSession.factory(guarded),
                new ForwardOpener(decider, dialer, jumps, this::loopbackAddress, guarded, config.connectTimeout(),
                        sessions)));
        server.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                if (draining) {
                    session.setAttribute(SessionKeys.STOPPING, Boolean.TRUE);
                }
                attachJump((ServerSession) session);
                // Behind a balancer the client's address is known only once its PROXY header is read.
                if (session.getAttribute(SessionKeys.JUMP) == null
                        && (proxyProtocol == null || !proxyProtocol.awaitHeader((ServerSession) session))) {
                    admit((ServerSession) session);
                }
            }

            @Override
            public void sessionEvent(Session session, Event event) {
                if (event == Event.Authenticated) {
                    release(session);
                }
                GatewayUser user = session.getAttribute(SessionKeys.USER);
                if (event == Event.Authenticated && user != null) {
                    sessions.authenticated((ServerSession) session);
                    keepAlive.watch((ServerSession) session);
                    guarded.authenticated(user.username(), SessionKeys.source(session),
                            session.getAttribute(GatewayAuthenticator.KEY_FINGERPRINT));
                }
            }

            @Override
            public void sessionDisconnect(Session session, int reason, String message, String language,
                                          boolean initiator) {
                // The client said goodbye: the connection ends on purpose, so nothing is kept for re-attach. The
                // gateway's own goodbyes are marked where it decides them (TargetSessions.disconnect); one MINA sends
                // on its own (unanswered keep-alives, a protocol error) leaves the connection lost.
                if (!initiator) {
                    session.setAttribute(SessionKeys.GOODBYE, Boolean.TRUE);
                }
            }

            @Override
            public void sessionClosed(Session session) {
                approvals.closed((ServerSession) session);
                release(session);
                keepAlive.forget((ServerSession) session);
                sessions.closed((ServerSession) session, "connection closed");
            }
        });
        server.setSessionDisconnectHandler(new SessionDisconnectHandler() {
            @Override
            public boolean handleTimeoutDisconnectReason(Session session, TimeoutIndicator timeout) {
                // MINA's own text for this is misleading; say what happened, then close.
                String limit = TimeoutIndicator.toDisplayDurationValue(timeout.getThresholdValue());
                TargetSessions.disconnect((ServerSession) session,
                        timeout.getStatus() == TimeoutIndicator.TimeoutStatus.IdleTimeout
                                ? "gatehouse: session closed after being idle for " + limit
                                : "gatehouse: authentication did not complete within " + limit);
                return true;
            }
        });
        CoreModuleProperties.TCP_NODELAY.set(server, true);
        CoreModuleProperties.IDLE_TIMEOUT.set(server, config.idleTimeout());
        CoreModuleProperties.AUTH_TIMEOUT.set(server, Duration.ofSeconds(60));
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(server, 6);
        // A client multiplexing a few channels is normal; hundreds on one connection is not.
        CoreModuleProperties.MAX_CONCURRENT_CHANNELS.set(server, MAX_CHANNELS_PER_CONNECTION);
        CoreModuleProperties.SERVER_IDENTIFICATION.set(server, "Gatehouse");
    }

    /** Binds the port and starts serving. */
    public void start() throws IOException {
        refusals.start();
        connector.start();
        server.start();
        accessCheck.start(LiveAccessCheck.PERIOD);
        keepAlive.start();
    }

    /** The port actually bound (useful when the configured port is 0). */
    public int port() {
        return server.getPort();
    }

    /** The settings this bastion runs with. */
    public BastionConfig config() {
        return config;
    }

    /** The live gateway sessions (for the console and for {@link #terminate}). */
    public TargetSessions sessions() {
        return sessions;
    }

    /** Ends the live session {@code sessionId} within a second, telling the user {@code reason}. */
    public boolean terminate(String sessionId, String reason) {
        return sessions.terminate(sessionId, reason);
    }

    /**
     * The most channel data handed to any one client connection's session and not yet written to its socket: a gauge
     * that stays within {@link BytesInFlight#BUDGET} (plus one packet) whatever window a client advertises.
     */
    public long largestChannelBytesInFlight() {
        long largest = 0;
        for (var session : server.getActiveSessions()) {
            ConnectionService connection;
            try {
                connection = session.getService(ConnectionService.class);
            } catch (IllegalStateException notAuthenticatedYet) {
                continue;
            }
            if (!(connection instanceof AbstractConnectionService service)) {
                continue;
            }
            for (Channel channel : service.getChannels()) {
                largest = Math.max(largest, BytesInFlight.on(channel));
            }
        }
        return largest;
    }

    /** The public half of the bastion's host key (persisted across restarts). */
    public java.security.PublicKey hostKey() {
        return hostKey.keyPair().getPublic();
    }

    private void attachJump(ServerSession session) {
        SocketAddress client = session.getClientAddress();
        // Jumps connect from the address the bastion dials itself on (loopback, or the one bound address).
        if (client instanceof InetSocketAddress inet && inet.getAddress().equals(loopbackAddress().getAddress())) {
            jumps.claim(inet.getPort()).ifPresent(jump -> session.setAttribute(SessionKeys.JUMP, jump));
        }
    }

    /**
     * Counts a new connection against the unauthenticated limits; over them it is closed at once, and audited. False
     * when closed.
     */
    private boolean admit(ServerSession session) {
        String address = GatewayAuthenticator.host(session.getClientAddress());
        String refusal = unauthenticated.admit(address);
        if (refusal == null) {
            session.setAttribute(UNAUTHENTICATED_FROM, address);
            return true;
        }
        if (refusals.first(address)) {
            listener.denied(null, new Denial("-", SourceAddress.of(session.getClientAddress()), "auth connect", refusal));
        }
        session.close(true);
        return false;
    }

    /** A PROXY header read (the connection then counts for the client it names) or refused (audited, closed). */
    private final class ProxyOutcome implements ProxyProtocolAcceptor.Outcome {

        @Override
        public boolean addressKnown(ServerSession session) {
            return admit(session);
        }

        @Override
        public void refused(ServerSession session, String peer, String reason) {
            if (refusals.first(GatewayAuthenticator.host(session.getIoSession().getRemoteAddress()))) {
                listener.denied(null, new Denial("-", peer, "proxy-protocol header", reason));
            }
        }
    }

    private void release(Session session) {
        String address = session.removeAttribute(UNAUTHENTICATED_FROM);
        if (address != null) {
            unauthenticated.release(address);
        }
    }

    private InetSocketAddress loopbackAddress() {
        InetAddress bound = InetAddress.getLoopbackAddress();
        for (SocketAddress address : server.getBoundAddresses()) {
            if (address instanceof InetSocketAddress inet && !inet.getAddress().isAnyLocalAddress()) {
                bound = inet.getAddress();
            }
        }
        return new InetSocketAddress(bound, port());
    }

    /**
     * Refuses new connections (each is told this node is stopping; a ProxyJump's inner login of a live session
     * included, as it is a new connection too) and waits, up to
     * {@code deadline}, for the live sessions to end by themselves; true when none is left. {@link #close} ends the
     * rest.
     */
    public boolean drain(java.time.Duration deadline) throws InterruptedException {
        draining = true;
        long until = System.nanoTime() + deadline.toNanos();
        while (!sessions.live().isEmpty()) {
            if (System.nanoTime() > until) {
                return false;
            }
            Thread.sleep(200);
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        try {
            server.stop(true);
        } finally {
            accessCheck.close();
            keepAlive.close();
            sessions.shutdown();
            connector.close();
            refusals.close();
            if (proxyProtocol != null) {
                proxyProtocol.close();
            }
        }
    }
}
