package dev.gatehouse.tunnel.gateway;

import dev.gatehouse.tunnel.protocol.AgentIdentity;
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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway node's tunnel port: agents connect here (mutual TLS 1.3, then HTTP/2 with the agent serving), and the
 * bastion opens streams to targets in agent networks with {@link #open}. Also serves agent enrollment.
 */
public final class TunnelListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TunnelListener.class);

    private final TunnelListenerConfig config;
    private final AgentEnrollment enrollment;
    private final AgentRegistry agents;
    private final NodeRegistry nodes;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    private final ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<AgentIdentity, AgentLink> links = new ConcurrentHashMap<>();
    private final GatewayStreams streams = new GatewayStreams();
    private final StreamDialer dialer;
    private final java.util.concurrent.atomic.AtomicLong refusedConnections = new java.util.concurrent.atomic.AtomicLong();
    private volatile List<GatewayNode> announced = List.of();
    private volatile Channel server;
    private volatile boolean draining;
    private volatile GatewayNode self;
    private ScheduledFuture<?> heartbeat;

    public TunnelListener(TunnelListenerConfig config, AgentEnrollment enrollment, AgentRegistry agents,
            NodeRegistry nodes) {
        this.config = Objects.requireNonNull(config, "config");
        this.enrollment = Objects.requireNonNull(enrollment, "enrollment");
        this.agents = Objects.requireNonNull(agents, "agents");
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.dialer = new StreamDialer(config, streams, group);
    }

    /** Binds the port, registers this node and starts heartbeats; returns the bound address. */
    public synchronized InetSocketAddress start() throws InterruptedException, SSLException {
        if (server != null) {
            throw new IllegalStateException("tunnel listener already started");
        }
        SslContext tls = TunnelTls.gateway(config.key(), config.chain(), config.agentCas());
        ConnectionSwitch.Links events = new ConnectionSwitch.Links() {
            @Override
            public void up(AgentLink link) {
                linkUp(link);
            }

            @Override
            public void down(AgentLink link) {
                linkDown(link);
            }

            @Override
            public void refused() {
                refusedConnections.incrementAndGet();
            }
        };
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
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
        long every = config.heartbeat().toMillis();
        heartbeat = group.scheduleAtFixedRate(this::beat, every, every, TimeUnit.MILLISECONDS);
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
            return CompletableFuture.failedFuture(new TunnelDialException(e.getMessage(), false));
        }
        if (draining) {
            return CompletableFuture.failedFuture(new TunnelDialException("gateway node " + config.nodeId()
                    + " is shutting down; dial through another node", false));
        }
        List<AgentLink> candidates = links.values().stream()
                .filter(link -> link.identity().network().equals(network) && link.healthy())
                .sorted(Comparator.comparingInt((AgentLink link) -> streams.count(link.identity()))
                        .thenComparing(link -> link.identity().agentId()))
                .toList();
        if (candidates.isEmpty()) {
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
                                : error));
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

    public String nodeId() {
        return config.nodeId();
    }

    private void linkUp(AgentLink link) {
        AgentLink previous = links.put(link.identity(), link);
        if (previous != null && previous != link) {
            // The agent came back while its old link still looked alive (e.g. NAT rebinding): the new one wins.
            log.info("{} replaces its older link from {}", link, previous.remote());
            previous.channel().close();
        }
        dialer.announceNodes(link, currentNodes(), version -> {
            link.ready(version);
            report(link, true);
            for (GatewayStreams.Tracked tracked : streams.detached(link.identity())) {
                dialer.resume(link, tracked);
            }
        });
    }

    private void linkDown(AgentLink link) {
        links.remove(link.identity(), link);
        report(link, false);
    }

    private List<GatewayNode> currentNodes() {
        List<GatewayNode> live = new ArrayList<>(nodes.liveNodes());
        if (self != null && live.stream().noneMatch(node -> node.id().equals(self.id()))) {
            live.add(self);
        }
        announced = List.copyOf(live);
        return announced;
    }

    private void beat() {
        try {
            nodes.heartbeat(self);
            List<GatewayNode> before = announced;
            List<GatewayNode> now = currentNodes();
            for (AgentLink link : links.values()) {
                if (!now.equals(before) && link.healthy()) {
                    dialer.announceNodes(link, now, version -> { });
                }
                report(link, link.channel().isActive());
            }
        } catch (RuntimeException e) {
            log.warn("tunnel heartbeat of node {} failed: {}", config.nodeId(), e.toString());
        }
    }

    private void report(AgentLink link, boolean connected) {
        List<GatewayStreams.Tracked> own = streams.of(link.identity());
        long in = own.stream().mapToLong(t -> t.stream().bytesIn()).sum();
        long out = own.stream().mapToLong(t -> t.stream().bytesOut()).sum();
        try {
            agents.report(new AgentStatus(link.identity(), config.nodeId(), connected, link.version(), link.remote(),
                    own.size(), in, out, connected ? Instant.now() : link.lastSeen()));
        } catch (RuntimeException e) {
            log.warn("agent status of {} not recorded: {}", link.identity(), e.toString());
        }
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
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        try {
            nodes.leave(config.nodeId());
        } catch (RuntimeException e) {
            log.warn("node {} could not leave the registry: {}", config.nodeId(), e.toString());
        }
        links.values().forEach(link -> link.channel()
                .writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR)));
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        while (streams.attached() > 0 && System.nanoTime() < deadline) {
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
        blocking.shutdownNow();
        log.info("tunnel listener of node {} stopped", config.nodeId());
    }
}
