package dev.gatehouse.agent.tunnel;

import dev.gatehouse.agent.config.AllowList;
import dev.gatehouse.tunnel.protocol.TunnelHeaders;
import dev.gatehouse.tunnel.stream.Http2StreamLink;
import dev.gatehouse.tunnel.stream.ResumableStream;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one HTTP/2 stream the gateway opened: a dial (checked against the allow-list, then a TCP connect), a
 * resume of a known stream, or a node list. Anything malformed gets a 4xx with a reason and a log line.
 */
final class AgentRequestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(AgentRequestHandler.class);
    private static final Pattern STREAM_ID = Pattern.compile("[A-Za-z0-9-]{8,64}");
    private static final int MAX_NODES_BODY = 64 * 1024;

    private final AgentRuntime runtime;
    private final GatewayConnection gateway;
    private boolean requested;
    private ByteBuf nodesBody;
    private String announcingNode;

    AgentRequestHandler(AgentRuntime runtime, GatewayConnection gateway) {
        this.runtime = runtime;
        this.gateway = gateway;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!requested) {
                requested = true;
                if (msg instanceof Http2HeadersFrame frame) {
                    request(ctx, frame.headers(), frame.isEndStream());
                } else {
                    refuse(ctx, "400", "the request must start with headers");
                }
            } else if (nodesBody != null && msg instanceof Http2DataFrame data) {
                if (nodesBody.readableBytes() + data.content().readableBytes() > MAX_NODES_BODY) {
                    refuse(ctx, "413", "node list longer than " + MAX_NODES_BODY + " bytes");
                    nodesBody.release();
                    nodesBody = null;
                    return;
                }
                nodesBody.writeBytes(data.content());
                if (data.isEndStream()) {
                    nodes(ctx);
                }
            }
            // Any other frame before the stream is attached is ignored: the gateway sends data only after 200.
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void request(ChannelHandlerContext ctx, Http2Headers headers, boolean endStream) {
        String path = headers.path() == null ? "" : headers.path().toString();
        switch (path) {
            case TunnelHeaders.PATH_NODES -> {
                announcingNode = TunnelHeaders.printable(headers.get(TunnelHeaders.NODE_ID));
                nodesBody = ctx.alloc().buffer();
                if (endStream) {
                    nodes(ctx);
                }
            }
            case TunnelHeaders.PATH_DIAL -> dial(ctx, headers);
            case TunnelHeaders.PATH_RESUME -> resume(ctx, headers);
            default -> refuse(ctx, "404", "unknown path '" + TunnelHeaders.printable(path) + "'");
        }
    }

    private void nodes(ChannelHandlerContext ctx) {
        String text = nodesBody.toString(StandardCharsets.UTF_8);
        nodesBody.release();
        nodesBody = null;
        Map<String, String> addresses = new LinkedHashMap<>();
        for (String line : text.split("\n", -1)) {
            String[] parts = line.trim().split(" ", -1);
            if (parts.length == 2 && parts[0].matches("[A-Za-z0-9._-]{1,100}")
                    && parts[1].matches("[A-Za-z0-9.\\-\\[\\]:]{1,300}:[0-9]{1,5}")) {
                addresses.put(parts[0], parts[1]);
            } else if (!line.isBlank()) {
                log.warn("gateway {} sent a malformed node line '{}'; ignored", gateway.address(),
                        TunnelHeaders.printable(line));
            }
        }
        gateway.nodesAnnounced(announcingNode, addresses);
        respond(ctx, new DefaultHttp2Headers().status("200").set(TunnelHeaders.AGENT_VERSION, runtime.version()),
                true);
    }

    private void dial(ChannelHandlerContext ctx, Http2Headers headers) {
        String id = header(headers, TunnelHeaders.STREAM_ID);
        String target = header(headers, TunnelHeaders.TARGET);
        if (id == null || !STREAM_ID.matcher(id).matches()) {
            refuse(ctx, "400", "missing or malformed " + TunnelHeaders.STREAM_ID + " header");
            return;
        }
        DialTarget hostPort = DialTarget.parse(target);
        if (hostPort == null) {
            refuse(ctx, "400", "missing or malformed " + TunnelHeaders.TARGET + " header '"
                    + TunnelHeaders.printable(target) + "' (expected host:port)");
            return;
        }
        if (runtime.streams().containsKey(id)) {
            refuse(ctx, "409", "stream " + id + " already exists");
            return;
        }
        runtime.blocking().execute(() -> {
            AllowList.Decision decision = runtime.allowList().check(hostPort.host(), hostPort.port());
            ctx.executor().execute(() -> {
                if (!decision.allowed()) {
                    log.warn("REFUSED dial to {} (stream {}) asked by gateway {}: {}", hostPort, id,
                            gateway.address(), decision.refusal());
                    runtime.reportRefusal(hostPort.toString(), decision.refusal());
                    refuse(ctx, "403", decision.refusal());
                    return;
                }
                connect(ctx, id, hostPort, decision);
            });
        });
    }

    private void connect(ChannelHandlerContext ctx, String id, DialTarget hostPort, AllowList.Decision decision) {
        AgentSettings settings = runtime.settings();
        ChannelFuture connecting = new Bootstrap()
                .group(ctx.channel().eventLoop())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                    }
                })
                .connect(decision.address());
        connecting.addListener((ChannelFuture done) -> {
            if (!done.isSuccess()) {
                String why = done.cause() instanceof ConnectException ? "connection refused or unreachable"
                        : String.valueOf(done.cause().getMessage());
                log.info("dial to {} (stream {}) failed: {}", hostPort, id, why);
                refuse(ctx, "502", "target " + hostPort + ": " + why);
                return;
            }
            if (!ctx.channel().isActive()) {
                done.channel().close();
                return;
            }
            Channel target = done.channel();
            TargetBridge bridge = new TargetBridge(target, hostPort.toString());
            ResumableStream stream = new ResumableStream(id, bridge, settings.maxUnacknowledged(),
                    settings.resumeGrace(), ctx.channel().eventLoop());
            bridge.bind(stream);
            target.pipeline().addLast(bridge);
            runtime.streams().put(id, stream);
            stream.ended().whenComplete((reason, error) -> runtime.streams().remove(id, stream));
            respond(ctx, new DefaultHttp2Headers().status("200"), false);
            Http2StreamLink link = new Http2StreamLink(ctx.channel(), stream, "gateway " + gateway.address());
            ctx.pipeline().replace(this, "stream", link);
            stream.attach(link, 0);
            target.config().setAutoRead(true);
            log.info("stream {} to {} open", id, hostPort);
        });
    }

    private void resume(ChannelHandlerContext ctx, Http2Headers headers) {
        String id = header(headers, TunnelHeaders.STREAM_ID);
        String received = header(headers, TunnelHeaders.RECEIVED);
        long peerReceived;
        try {
            peerReceived = received == null || received.length() > 19 ? -1 : Long.parseLong(received);
        } catch (NumberFormatException e) {
            peerReceived = -1;
        }
        if (id == null || !STREAM_ID.matcher(id).matches() || peerReceived < 0) {
            refuse(ctx, "400", "resume needs " + TunnelHeaders.STREAM_ID + " and a non-negative "
                    + TunnelHeaders.RECEIVED);
            return;
        }
        ResumableStream stream = runtime.streams().get(id);
        if (stream == null) {
            refuse(ctx, "404", "stream " + id + " is unknown or expired");
            return;
        }
        respond(ctx, new DefaultHttp2Headers().status("200")
                .set(TunnelHeaders.RECEIVED, Long.toString(stream.received())), false);
        Http2StreamLink link = new Http2StreamLink(ctx.channel(), stream, "gateway " + gateway.address());
        ctx.pipeline().replace(this, "stream", link);
        if (stream.attach(link, peerReceived)) {
            log.info("stream {} resumed (gateway had received {} bytes)", id, peerReceived);
        }
    }

    private void refuse(ChannelHandlerContext ctx, String status, String reason) {
        if (!status.equals("403") && !status.equals("502") && !status.equals("404")) {
            log.warn("gateway {} sent a bad request: {} ({})", gateway.address(), reason, status);
        }
        respond(ctx, new DefaultHttp2Headers().status(status).set(TunnelHeaders.ERROR,
                TunnelHeaders.printable(reason)), true);
    }

    private static void respond(ChannelHandlerContext ctx, Http2Headers headers, boolean endStream) {
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(headers, endStream));
    }

    private static String header(Http2Headers headers, CharSequence name) {
        CharSequence value = headers.get(name);
        return value == null ? null : value.toString();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (nodesBody != null) {
            nodesBody.release();
            nodesBody = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("gateway {}: stream error: {}", gateway.address(), cause.toString());
        ctx.close();
    }

    /** A dial target as the gateway named it. */
    record DialTarget(String host, int port) {
        static DialTarget parse(String text) {
            if (text == null || text.length() > 300) {
                return null;
            }
            int colon = text.lastIndexOf(':');
            if (colon <= 0) {
                return null;
            }
            String host = text.substring(0, colon);
            if (!host.matches("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.%a-z]+]")) {
                return null;
            }
            try {
                int port = Integer.parseInt(text.substring(colon + 1));
                return port >= 1 && port <= 65535 ? new DialTarget(host, port) : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }
}
