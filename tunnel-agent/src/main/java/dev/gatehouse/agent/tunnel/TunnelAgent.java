package dev.gatehouse.agent.tunnel;

import dev.gatehouse.tunnel.stream.ResumableStream;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent: one link to every live gateway node (learnt from the nodes themselves, starting from the
 * configured address), serving dials within the allow-list, keeping streams alive across broken links.
 */
public final class TunnelAgent implements AgentRuntime, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TunnelAgent.class);

    private final String bootstrapAddress;
    private final AgentSettings settings;
    private final String version;
    private final EventLoopGroup group;
    private final ExecutorService blocking;
    private final boolean ownsThreads;
    private final Map<String, ResumableStream> streams = new ConcurrentHashMap<>();
    private final Map<String, GatewayConnection> connections = new ConcurrentHashMap<>();
    private final AtomicLong refusals = new AtomicLong();
    private volatile SslContext tls;

    /** An agent on an event loop group and executor of its own, both stopped by {@link #close()}. */
    public TunnelAgent(String bootstrapAddress, AgentSettings settings, AgentCredentials credentials, String version)
            throws SSLException {
        this(bootstrapAddress, settings, credentials, version,
                new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory()), Executors.newVirtualThreadPerTaskExecutor(),
                true);
    }

    /**
     * An agent on an event loop group and executor it shares with others (many agents in one JVM, as the tunnel
     * benchmark's swarm runs them); {@link #close()} leaves both running: their owner stops them.
     */
    public TunnelAgent(String bootstrapAddress, AgentSettings settings, AgentCredentials credentials, String version,
            EventLoopGroup group, ExecutorService blocking) throws SSLException {
        this(bootstrapAddress, settings, credentials, version, group, blocking, false);
    }

    private TunnelAgent(String bootstrapAddress, AgentSettings settings, AgentCredentials credentials, String version,
            EventLoopGroup group, ExecutorService blocking, boolean ownsThreads) throws SSLException {
        this.bootstrapAddress = Objects.requireNonNull(bootstrapAddress, "bootstrapAddress");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.version = Objects.requireNonNull(version, "version");
        this.group = Objects.requireNonNull(group, "group");
        this.blocking = Objects.requireNonNull(blocking, "blocking");
        this.ownsThreads = ownsThreads;
        this.tls = credentials.tls();
    }

    /** Starts connecting; returns at once (links come up in the background, with backoff on failure). */
    public void start() {
        log.info("agent {} starting; gateway {}; allow-list {}", version, bootstrapAddress, settings.allowList());
        add(bootstrapAddress);
    }

    /** New connections use the renewed certificate; existing links stay up (their TLS is already authenticated). */
    public void updateCredentials(AgentCredentials credentials) throws SSLException {
        this.tls = credentials.tls();
    }

    /** Addresses of gateway nodes with a link up now. */
    public List<String> connectedGateways() {
        return connections.values().stream().filter(GatewayConnection::isUp).map(GatewayConnection::address)
                .sorted().toList();
    }

    /** Addresses of gateway nodes the agent tries to keep a link to. */
    public List<String> knownGateways() {
        return connections.keySet().stream().sorted().toList();
    }

    public int openStreams() {
        return streams.size();
    }

    /** Dials refused by the allow-list since start. */
    public long refusedDials() {
        return refusals.get();
    }

    /** Breaks every link abruptly without stopping; they reconnect with backoff (for tests and operators). */
    public void dropLinks() {
        connections.values().forEach(GatewayConnection::drop);
    }

    private synchronized void add(String address) {
        if (connections.containsKey(address)) {
            return;
        }
        GatewayConnection connection = new GatewayConnection(address, this, group, () -> tls, new Events());
        connections.put(address, connection);
        connection.connect();
    }

    private final class Events implements GatewayConnection.Events {
        @Override
        public void nodesAnnounced(GatewayConnection from, Map<String, String> nodes) {
            if (nodes.isEmpty()) {
                return;
            }
            synchronized (TunnelAgent.this) {
                nodes.values().forEach(TunnelAgent.this::add);
                for (GatewayConnection connection : List.copyOf(connections.values())) {
                    boolean listed = nodes.containsValue(connection.address());
                    boolean aliasOfListed = !listed && connection.nodeId() != null
                            && nodes.containsKey(connection.nodeId());
                    if (!listed && !aliasOfListed) {
                        log.info("gateway node {} left; no reconnects to it", connection.address());
                        connection.stopReconnecting();
                        connections.remove(connection.address(), connection);
                    }
                }
            }
            retireAliases();
        }

        @Override
        public void up(GatewayConnection connection) {
            retireAliases();
        }

        @Override
        public void down(GatewayConnection connection) {
        }
    }

    /** A link reached through a different address (e.g. the configured one) than a listed node's: keep only one. */
    private synchronized void retireAliases() {
        for (GatewayConnection alias : List.copyOf(connections.values())) {
            String node = alias.nodeId();
            if (node == null) {
                continue;
            }
            boolean duplicate = connections.values().stream().anyMatch(other -> other != alias && other.isUp()
                    && node.equals(other.nodeId()) && preferred(other, alias));
            if (duplicate) {
                log.info("link to {} reaches node {} already linked at another address; closing it", alias.address(),
                        node);
                alias.retire();
                connections.remove(alias.address(), alias);
            }
        }
    }

    /** True when {@code a} should be kept over {@code b}: a listed address wins over the configured one. */
    private boolean preferred(GatewayConnection a, GatewayConnection b) {
        boolean aBootstrap = a.address().equals(bootstrapAddress);
        boolean bBootstrap = b.address().equals(bootstrapAddress);
        if (aBootstrap != bBootstrap) {
            return bBootstrap;
        }
        return a.address().compareTo(b.address()) < 0;
    }

    @Override
    public AgentSettings settings() {
        return settings;
    }

    @Override
    public Map<String, ResumableStream> streams() {
        return streams;
    }

    @Override
    public ExecutorService blocking() {
        return blocking;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public void reportRefusal(String target, String reason) {
        refusals.incrementAndGet();
    }

    /** Stops: closes every link and stream. */
    @Override
    public void close() {
        connections.values().forEach(GatewayConnection::retire);
        connections.clear();
        streams.values().forEach(stream -> stream.cancel("agent stopped"));
        if (ownsThreads) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
            blocking.shutdownNow();
        }
        log.info("agent stopped");
    }
}
