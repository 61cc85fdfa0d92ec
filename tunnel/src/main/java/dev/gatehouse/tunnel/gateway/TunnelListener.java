package dev.gatehouse.tunnel.gateway;

import dev.gatehouse.tunnel.protocol.AgentIdentity;
import dev.gatehouse.tunnel.protocol.TunnelCodecs;
import dev.gatehouse.tunnel.protocol.TunnelHeaders;
import dev.gatehouse.tunnel.protocol.TunnelTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway node's tunnel port: agents connect here (mutual TLS 1.3, then HTTP/2 with the agent serving), and the
 * bastion opens streams to targets in agent networks with {@link #open}. Also serves agent enrollment.
 */
public final class TunnelListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TunnelListener.class);
    /** An unchanged link is written again this often, so its "last seen" in the registry stays within a minute. */
    static final Duration REFRESH = Duration.ofSeconds(60);

    private final TunnelListenerConfig config;
    private final AgentEnrollment enrollment;
    private final AgentRegistry agents;
    private final NodeRegistry nodes;
    private final TunnelMetrics metrics;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    private final ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
    private final RegistryLanes lanes;
    private final ScheduledExecutorService heartbeats;
    private final Map<AgentIdentity, AgentLink> links = new ConcurrentHashMap<>();
    private final GatewayStreams streams = new GatewayStreams();
    private final StreamDialer dialer;
    private final AtomicLong refusedConnections = new AtomicLong();
    private volatile List<GatewayNode> announced = List.of();
    private volatile Channel server;
    private volatile boolean draining;
    /** How long a drain waits at least after its GOAWAYs, so that agents read them before their links close. */
    private static final java.time.Duration GOAWAY_GRACE = java.time.Duration.ofSeconds(1);
    private volatile GatewayNode self;

    public TunnelListener(TunnelListenerConfig config, AgentEnrollment enrollment, AgentRegistry agents,
            NodeRegistry nodes) {
        this(config, enrollment, agents, nodes, TunnelMetrics.NONE);
    }

    /** As above, reporting links, refusals and dials to {@code metrics}. */
    public TunnelListener(TunnelListenerConfig config, AgentEnrollment enrollment, AgentRegistry agents,
            NodeRegistry nodes, TunnelMetrics metrics) {
        this.config = Objects.requireNonNull(config, "config");
        this.enrollment = Objects.requireNonNull(enrollment, "enrollment");
        this.agents = Objects.requireNonNull(agents, "agents");
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.dialer = new StreamDialer(config, streams, group);
        this.lanes = new RegistryLanes(config.nodeId(), 4);
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "tunnel-heartbeat-" + config.nodeId());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Binds the port, registers this node and starts heartbeats; returns the bound address. */
    public synchronized InetSocketAddress start() throws InterruptedException, SSLException {
        if (server != null) {
            throw new IllegalStateException("tunnel listener already started");
        }
        SslContext tls = TunnelTls.gateway(config.key(), config.chain(), config.agentCas());
        ConnectionSwitch.Links events = new ConnectionSwitch.Links() {
            @Override
            public void connected(AgentLink link) {
                admit(link);
            }

            @Override
            public void down(AgentLink link) {
                linkDown(link);
            }

            @Override
            public void refused(TunnelMetrics.Refusal reason) {
                refusedConnections.incrementAndGet();
                metrics.linkRefused(reason);
            }
        };
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, TunnelCodecs.LINK_WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()),
                                new ConnectionSwitch(config, enrollment, agents, blocking, events));
                    }
                })
                .bind(config.bindHost(), config.port()).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) server.localAddress();
        String advertised = config.advertisedHost();
        self = new GatewayNode(config.nodeId(), advertised.matches(".*:[0-9]+") && !advertised.endsWith("]")
                ? advertised : advertised + ":" + bound.getPort());
        nodes.heartbeat(self);
        currentNodes();
        long every = config.heartbeat().toMillis();
        heartbeats.scheduleAtFixedRate(this::beat, every, every, TimeUnit.MILLISECONDS);
        log.info("tunnel listener of node {} on {} (advertised as {})", config.nodeId(), bound, self.tunnelAddress());
        return bound;
    }

    /**
     * Opens a stream to {@code host:port} through a healthy agent of {@code network}, the one with the fewest
     * streams on this node; if that agent's link breaks before it answers, the next one is tried.
     */
    public CompletableFuture<TunnelStream> open(String network, String host, int port) {
        String target;
        try {
            AgentIdentity.requireName("network", network);
            target = checkTarget(host, port);
        } catch (IllegalArgumentException e) {
            metrics.dialed(TunnelMetrics.DialOutcome.FAILED);
            return CompletableFuture.failedFuture(new TunnelDialException(e.getMessage(), false));
        }
        if (draining) {
            metrics.dialed(TunnelMetrics.DialOutcome.FAILED);
            return CompletableFuture.failedFuture(new TunnelDialException("gateway node " + config.nodeId()
                    + " is shutting down; dial through another node", false));
        }
        List<AgentLink> candidates = links.values().stream()
                .filter(link -> link.identity().network().equals(network) && link.healthy())
                .sorted(Comparator.comparingInt((AgentLink link) -> streams.count(link.identity()))
                        .thenComparing(link -> link.identity().agentId()))
                .toList();
        if (candidates.isEmpty()) {
            metrics.dialed(TunnelMetrics.DialOutcome.NO_AGENT);
            return CompletableFuture.failedFuture(new TunnelDialException("no agent of network '" + network
                    + "' is connected to gateway node " + config.nodeId(), false));
        }
        CompletableFuture<TunnelStream> result = new CompletableFuture<>();
        tryDial(candidates, 0, target, result);
        return result.orTimeout(config.dialTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(error -> CompletableFuture.failedFuture(
                        error instanceof java.util.concurrent.TimeoutException
                                ? new TunnelDialException("dial " + target + " in network " + network
                                        + ": no answer within " + config.dialTimeout().toSeconds() + " s", false)
                                : error))
                .whenComplete((stream, error) -> metrics.dialed(outcome(error)));
    }

    private static TunnelMetrics.DialOutcome outcome(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (cause == null) {
            return TunnelMetrics.DialOutcome.OK;
        }
        return cause instanceof TunnelDialException dial && dial.refusedByAgent()
                ? TunnelMetrics.DialOutcome.REFUSED_BY_AGENT : TunnelMetrics.DialOutcome.FAILED;
    }

    private void tryDial(List<AgentLink> candidates, int index, String target, CompletableFuture<TunnelStream> out) {
        AgentLink link = candidates.get(index);
        boolean hasNext = index + 1 < candidates.size();
        java.util.concurrent.atomic.AtomicBoolean movedOn = new java.util.concurrent.atomic.AtomicBoolean();
        CompletableFuture<TunnelStream> attempt = dialer.dial(link, target);
        if (hasNext) {
            // An agent whose link died silently (no FIN, no RST) looks alive until the link timeout; do not
            // make the user wait for that: after a short while the next agent gets the same dial.
            long patience = Math.min(5_000, config.dialTimeout().toMillis() / 3);
            group.schedule(() -> {
                if (!attempt.isDone() && !out.isDone() && movedOn.compareAndSet(false, true)) {
                    log.info("{} did not answer a dial to {} within {} ms; trying the next agent", link, target,
                            patience);
                    tryDial(candidates, index + 1, target, out);
                }
            }, patience, TimeUnit.MILLISECONDS);
        }
        attempt.whenComplete((stream, error) -> {
            if (error == null) {
                if (!out.complete(stream)) {
                    stream.close();
                }
            } else if (error instanceof TunnelDialException dial && dial.linkLost() && hasNext) {
                if (movedOn.compareAndSet(false, true)) {
                    log.info("{}; trying the next agent", dial.getMessage());
                    tryDial(candidates, index + 1, target, out);
                }
            } else if (!movedOn.get()) {
                out.completeExceptionally(error);
            }
        });
    }

    static String checkTarget(String host, int port) {
        if (host == null || host.isEmpty() || host.length() > 253 || !host.matches("[A-Za-z0-9._:%\\[\\]-]+")) {
            throw new IllegalArgumentException("target host '" + TunnelHeaders.printable(host) + "' is invalid");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("target port " + port + " is outside 1..65535");
        }
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Agents of {@code network} that can take new streams on this node right now. */
    public List<String> healthyAgents(String network) {
        return links.values().stream()
                .filter(link -> link.identity().network().equals(network) && link.healthy())
                .map(link -> link.identity().agentId()).sorted().toList();
    }

    /** Connections refused since start: failed TLS handshakes, unknown or revoked agent identities. */
    public long refusedConnections() {
        return refusedConnections.get();
    }

    /** Number of streams open (or waiting to resume) on this node. */
    public int openStreams() {
        return streams.size();
    }

    /** Agents with at least one healthy link to this node. */
    public int connectedAgents() {
        return (int) links.values().stream().filter(AgentLink::healthy).map(AgentLink::identity).distinct().count();
    }

    /** Agent links this node holds (admitted, not yet closed). */
    public int links() {
        return links.size();
    }

    /** Bytes received from agents through streams of this node since it started. */
    public long bytesIn() {
        return streams.bytesIn();
    }

    /** Bytes sent to agents through streams of this node since it started. */
    public long bytesOut() {
        return streams.bytesOut();
    }

    /**
     * Ends {@code agent}'s links to this node at once (after a revocation): its streams are cancelled with
     * {@code reason}, which the user of each stream sees, and the agent is told the reason in a GOAWAY.
     * Returns the number of links closed.
     */
    public int cut(AgentIdentity agent, String reason) {
        AgentLink link = links.get(agent);
        streams.cancel(agent, reason);
        if (link == null) {
            return 0;
        }
        log.warn("{}: link closed: {}", link, reason);
        link.refuse(reason);
        return 1;
    }

    public String nodeId() {
        return config.nodeId();
    }

    /** Asks the registry (off the event loop) whether the agent may link, then brings the link up or refuses it. */
    private void admit(AgentLink link) {
        AgentCertificate certificate = link.certificate();
        lanes.run(link.identity(), () -> {
            Optional<String> refusal = agents.refusal(certificate.agent(), certificate.serial());
            link.channel().eventLoop().execute(() -> {
                if (!link.channel().isActive()) {
                    return;
                }
                if (refusal.isPresent()) {
                    log.warn("tunnel from {} refused: {}", link.remote(), refusal.get());
                    refusedConnections.incrementAndGet();
                    metrics.linkRefused(TunnelMetrics.Refusal.NOT_ADMITTED);
                    link.refuse(refusal.get());
                } else {
                    linkUp(link);
                }
            });
        });
    }

    private void linkUp(AgentLink link) {
        log.info("{} connected (tunnel)", link);
        link.admitted();
        metrics.linkAccepted();
        AgentLink previous = links.put(link.identity(), link);
        if (previous != null && previous != link) {
            // The agent came back while its old link still looked alive (e.g. NAT rebinding): the new one wins.
            log.info("{} replaces its older link from {}", link, previous.remote());
            previous.channel().close();
        }
        // The list the last heartbeat read (no registry call on the event loop); a change reaches agents next beat.
        dialer.announceNodes(link, announced, version -> {
            link.ready(version);
            report(link);
            for (GatewayStreams.Tracked tracked : streams.detached(link.identity())) {
                dialer.resume(link, tracked);
            }
        });
    }

    private void linkDown(AgentLink link) {
        if (links.remove(link.identity(), link)) {
            report(link);
        }
    }

    private List<GatewayNode> currentNodes() {
        List<GatewayNode> live = new ArrayList<>(nodes.liveNodes());
        if (self != null && live.stream().noneMatch(node -> node.id().equals(self.id()))) {
            live.add(self);
        }
        announced = List.copyOf(live);
        return announced;
    }

    /** On its own thread: the registries may block, and a slow database must not stall the event loops. */
    private void beat() {
        try {
            nodes.heartbeat(self);
            List<GatewayNode> before = announced;
            List<GatewayNode> now = currentNodes();
            cutRefusedLinks();
            for (AgentLink link : links.values()) {
                if (!now.equals(before) && link.healthy()) {
                    dialer.announceNodes(link, now, version -> { });
                }
                reportIfChanged(link);
            }
        } catch (RuntimeException e) {
            log.warn("tunnel heartbeat of node {} failed: {}", config.nodeId(), e.toString());
        }
    }

    /** Links whose certificate the registry no longer admits (revoked, possibly through another node) are cut. */
    private void cutRefusedLinks() {
        List<AgentLink> live = List.copyOf(links.values());
        if (live.isEmpty()) {
            return;
        }
        Map<AgentCertificate, String> refused = agents.refusals(live.stream().map(AgentLink::certificate).toList());
        for (AgentLink link : live) {
            String reason = refused.get(link.certificate());
            if (reason != null && links.get(link.identity()) == link) {
                cut(link.identity(), "agent " + link.identity() + " is no longer admitted: " + reason);
            }
        }
    }

    /**
     * Records the agent's link state as it is when the write runs (in order per agent, off the event loop); a link
     * replaced by a newer one leaves the reporting to that one.
     */
    private void report(AgentLink link) {
        report(link, false);
    }

    /**
     * The heartbeat's report: written only when the link's state changed, or every {@link #REFRESH}; an idle link
     * costs the database nothing in between (the node's own heartbeat shows that its links are current).
     */
    private void reportIfChanged(AgentLink link) {
        report(link, true);
    }

    private void report(AgentLink link, boolean onlyIfChanged) {
        lanes.run(link.identity(), () -> {
            AgentLink current = links.get(link.identity());
            if (current != null && current != link) {
                return;
            }
            boolean connected = current == link && link.channel().isActive();
            long[] bytes = streams.bytes(link.identity());
            AgentStatus status = new AgentStatus(link.identity(), config.nodeId(), connected, link.version(),
                    link.remote(), streams.count(link.identity()), bytes[0], bytes[1],
                    connected ? Instant.now() : link.lastSeen());
            if (onlyIfChanged && !link.reportDue(status, REFRESH)) {
                return;
            }
            agents.report(status);
            link.reported(status);
        });
    }

    /**
     * Drains: stops accepting, leaves the node registry, sends GOAWAY to every agent, waits up to the drain
     * timeout for streams to finish, then closes everything.
     */
    @Override
    public void close() {
        Channel bound;
        synchronized (this) {
            bound = server;
            server = null;
        }
        if (bound == null) {
            return;
        }
        draining = true;
        log.info("tunnel listener of node {} draining: {} streams open", config.nodeId(), streams.size());
        bound.close().awaitUninterruptibly();
        heartbeats.shutdownNow();
        try {
            nodes.leave(config.nodeId());
        } catch (RuntimeException e) {
            log.warn("node {} could not leave the registry: {}", config.nodeId(), e.toString());
        }
        List<io.netty.channel.ChannelFuture> goAways = links.values().stream().map(link -> link.channel()
                .writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR))).toList();
        goAways.forEach(sent -> sent.awaitUninterruptibly(GOAWAY_GRACE.toMillis()));
        long started = System.nanoTime();
        long deadline = started + config.drainTimeout().toNanos();
        // Even with no stream open, the agents get a moment to read the GOAWAY: closing a link whose agent's last
        // frames (pings, acks) are still unread makes the kernel reset it, and a reset can drop the GOAWAY unread.
        while ((streams.attached() > 0 && System.nanoTime() < deadline)
                || (!links.isEmpty() && System.nanoTime() - started < GOAWAY_GRACE.toNanos())) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        streams.cancelAll("gateway node " + config.nodeId() + " shut down");
        links.values().forEach(link -> link.channel().close());
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        lanes.close();
        blocking.shutdownNow();
        log.info("tunnel listener of node {} stopped", config.nodeId());
    }
}
