package dev.gatehouse.agent.tunnel;

import dev.gatehouse.tunnel.protocol.LinkLiveness;
import dev.gatehouse.tunnel.protocol.TunnelCodecs;
import dev.gatehouse.tunnel.protocol.TunnelHeaders;
import dev.gatehouse.tunnel.stream.LinkAcks;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's link to one gateway node: dials out, serves HTTP/2 over mutual TLS, and reconnects with jittered
 * backoff until retired. The agent is the HTTP/2 server on this connection.
 */
final class GatewayConnection {

    private static final Logger log = LoggerFactory.getLogger(GatewayConnection.class);

    interface Events {
        /** {@code nodes}: node id to tunnel address; {@code from} learnt it is connected to node {@code nodeId}. */
        void nodesAnnounced(GatewayConnection from, Map<String, String> nodes);

        void up(GatewayConnection connection);

        void down(GatewayConnection connection);
    }

    private final String address;
    private final String host;
    private final int port;
    private final AgentRuntime runtime;
    private final EventLoopGroup group;
    private final Supplier<SslContext> tls;
    private final Events events;
    private final Backoff backoff;
    private volatile Channel channel;
    private volatile boolean retired;
    private volatile boolean up;
    /** This attempt's link got the gateway's hello, i.e. the gateway admitted the agent. */
    private volatile boolean admitted;
    /** This attempt's refusal was already logged with its reason. */
    private volatile boolean refusalLogged;
    private volatile String nodeId;

    GatewayConnection(String address, AgentRuntime runtime, EventLoopGroup group, Supplier<SslContext> tls,
            Events events) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("gateway address '" + address + "' must be host:port");
        }
        this.address = address;
        String h = address.substring(0, colon);
        this.host = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        this.port = Integer.parseInt(address.substring(colon + 1));
        this.runtime = runtime;
        this.group = group;
        this.tls = tls;
        this.events = events;
        this.backoff = new Backoff(runtime.settings().initialBackoff(), runtime.settings().maxBackoff());
    }

    String address() {
        return address;
    }

    boolean isUp() {
        return up;
    }

    void connect() {
        if (retired) {
            return;
        }
        AgentSettings settings = runtime.settings();
        admitted = false;
        refusalLogged = false;
        ChannelFuture connecting = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, TunnelCodecs.LINK_WATER_MARK)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.get().newHandler(ch.alloc(), host, port), new Negotiation());
                    }
                })
                .connect(host, port);
        channel = connecting.channel();
        connecting.addListener((ChannelFuture done) -> {
            if (!done.isSuccess()) {
                log.info("gateway {} unreachable: {}", address, done.cause().getMessage());
                scheduleReconnect();
            } else {
                done.channel().closeFuture().addListener(closed -> {
                    if (up) {
                        up = false;
                        if (admitted) {
                            log.warn("link to gateway {} lost", address);
                        } else {
                            // A TLS alert is reported after the close: look once the event loop has handled it.
                            logUnexplainedClose(done.channel());
                        }
                        events.down(this);
                    }
                    scheduleReconnect();
                });
            }
        });
    }

    private void logUnexplainedClose(Channel closed) {
        try {
            closed.eventLoop().execute(() -> {
                if (!refusalLogged) {
                    log.warn("gateway {} closed the connection before admitting this agent", address);
                }
            });
        } catch (RejectedExecutionException e) {
            // The agent is stopping: nothing to explain.
        }
    }

    private void scheduleReconnect() {
        if (retired || group.isShuttingDown()) {
            return;
        }
        long delay = backoff.next().toMillis();
        log.info("reconnecting to gateway {} in {} ms", address, delay);
        group.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /** Stops reconnecting and closes the link (the node left, or the agent stops). */
    void retire() {
        retired = true;
        Channel current = channel;
        if (current != null) {
            current.close();
        }
    }

    /**
     * The node left the list: no more reconnects, but the link stays until the node closes it, so that streams
     * still running on a draining node finish (a dead node's link times out by itself).
     */
    void stopReconnecting() {
        retired = true;
    }

    /** Closes the link abruptly; it will reconnect (tests, and a renewed certificate). */
    void drop() {
        Channel current = channel;
        if (current != null) {
            current.close();
        }
    }

    void nodesAnnounced(String announcingNode, Map<String, String> nodes) {
        if (!announcingNode.isEmpty()) {
            nodeId = announcingNode;
        }
        // The gateway admitted this agent and said hello: the link is healthy, so failures start over from the
        // initial delay. Not earlier: TLS alone succeeds for a revoked agent too.
        backoff.reset();
        if (!admitted) {
            admitted = true;
            log.info("link to gateway {} up (node {})", address, announcingNode);
        }
        events.nodesAnnounced(this, nodes);
    }

    /** The id of the node at the other end, once it announced itself; null before. */
    String nodeId() {
        return nodeId;
    }

    private final class Negotiation extends ApplicationProtocolNegotiationHandler {
        Negotiation() {
            super("none");
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (!ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                log.warn("gateway {} did not agree to HTTP/2 (ALPN '{}'); closing", address, protocol);
                ctx.close();
                return;
            }
            AgentSettings settings = runtime.settings();
            ctx.pipeline().addLast(LinkLiveness.idleDetector(settings.pingInterval(), settings.linkTimeout()),
                    TunnelCodecs.agent(),
                    new LinkAcks(),
                    new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                        @Override
                        protected void initChannel(Http2StreamChannel ch) {
                            ch.pipeline().addLast(new AgentRequestHandler(runtime, GatewayConnection.this));
                        }
                    }),
                    LinkLiveness.of(settings.linkTimeout(), "gateway " + address),
                    new LinkEvents());
            ctx.channel().writeAndFlush(new DefaultHttp2WindowUpdateFrame(TunnelCodecs.CONNECTION_WINDOW_INCREMENT));
            // The backoff is not reset here: a gateway that refuses this agent's certificate completes TLS and then
            // closes. Only the gateway's hello (its node list) shows the link is admitted; see nodesAnnounced.
            up = true;
            log.debug("connected to gateway {}; waiting for it to admit this agent", address);
            events.up(GatewayConnection.this);
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            Throwable root = cause;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            String why = String.valueOf(root.getMessage());
            log.warn("TLS handshake with gateway {} failed: {}{}", address, why, why.contains("alert")
                    ? " (the gateway refused this agent's certificate: expired, or not from its agent CA)" : "");
            refusalLogged = true;
            ctx.close();
        }
    }

    private final class LinkEvents extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2GoAwayFrame goAway) {
                if (goAway.errorCode() == Http2Error.NO_ERROR.code()) {
                    log.info("gateway {} is draining (GOAWAY)", address);
                } else {
                    // The gateway refused or revoked this agent; the debug data says why.
                    log.warn("gateway {} refused this agent: {}", address,
                            TunnelHeaders.printable(goAway.content().toString(StandardCharsets.UTF_8)));
                    refusalLogged = true;
                }
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable tls = cause;
            while (tls != null && !(tls instanceof SSLHandshakeException)) {
                tls = tls.getCause();
            }
            if (tls != null && !admitted) {
                // TLS 1.3: the agent finishes its side of the handshake before the gateway checks its certificate,
                // so a refused certificate arrives here as an alert on a link that looked up.
                log.warn("gateway {} refused this agent's certificate: {} (expired, or not from the gateway's"
                        + " agent CA; see the gateway's log)", address, tls.getMessage());
                refusalLogged = true;
            } else {
                log.warn("link to gateway {}: {}; closing it", address, cause.getMessage());
            }
            ctx.close();
        }
    }

    @Override
    public String toString() {
        return "gateway " + address;
    }
}
