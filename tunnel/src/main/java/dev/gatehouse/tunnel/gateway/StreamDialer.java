package dev.gatehouse.tunnel.gateway;

import dev.gatehouse.tunnel.protocol.TunnelHeaders;
import dev.gatehouse.tunnel.stream.Http2StreamLink;
import dev.gatehouse.tunnel.stream.ResumableStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway's three requests to an agent: dial a target, resume a stream, announce the live nodes. */
final class StreamDialer {

    private static final Logger log = LoggerFactory.getLogger(StreamDialer.class);

    private final TunnelListenerConfig config;
    private final GatewayStreams streams;
    private final EventLoopGroup timers;

    StreamDialer(TunnelListenerConfig config, GatewayStreams streams, EventLoopGroup timers) {
        this.config = config;
        this.streams = streams;
        this.timers = timers;
    }

    CompletableFuture<TunnelStream> dial(AgentLink link, String target) {
        CompletableFuture<TunnelStream> result = new CompletableFuture<>();
        String id = UUID.randomUUID().toString();
        String network = link.identity().network();
        Http2Headers headers = RequestExchange.request(TunnelHeaders.PATH_DIAL)
                .set(TunnelHeaders.STREAM_ID, id)
                .set(TunnelHeaders.TARGET, target);
        open(link, headers, new RequestExchange.Response() {
            @Override
            public void received(ChannelHandlerContext ctx, Http2Headers response) {
                if (!"200".contentEquals(response.status() == null ? "" : response.status())) {
                    String error = TunnelHeaders.printable(response.get(TunnelHeaders.ERROR));
                    log.info("dial {} in {} via {} refused: {} {}", target, network, link, response.status(), error);
                    result.completeExceptionally(new TunnelDialException("dial " + target + " in network " + network
                            + " refused by agent " + link.identity().agentId() + ": "
                            + (error.isEmpty() ? "status " + TunnelHeaders.printable(response.status()) : error),
                            false, true));
                    ctx.close();
                    return;
                }
                GatewayStream local = new GatewayStream(network, target, link.identity().agentId(), timers);
                ResumableStream stream = new ResumableStream(id, local, config.maxUnacknowledged(),
                        config.resumeGrace(), timers);
                local.bind(stream);
                streams.add(new GatewayStreams.Tracked(stream, link.identity(), target));
                Http2StreamLink carrier = new Http2StreamLink(ctx.channel(), stream, link.toString());
                ctx.pipeline().replace(ctx.handler(), "stream", carrier);
                stream.attach(carrier, 0);
                log.debug("stream {} to {} in {} open via {}", id, target, network, link);
                if (!result.complete(local)) {
                    stream.cancel("dial timed out at the gateway");
                }
            }

            @Override
            public void lost(String why) {
                result.completeExceptionally(new TunnelDialException("dial " + target + " in network " + network
                        + " via agent " + link.identity().agentId() + " failed: " + why, true));
            }
        }, result::completeExceptionally);
        return result;
    }

    void resume(AgentLink link, GatewayStreams.Tracked tracked) {
        ResumableStream stream = tracked.stream();
        Http2Headers headers = RequestExchange.request(TunnelHeaders.PATH_RESUME)
                .set(TunnelHeaders.STREAM_ID, stream.id())
                .set(TunnelHeaders.RECEIVED, Long.toString(stream.received()));
        open(link, headers, new RequestExchange.Response() {
            @Override
            public void received(ChannelHandlerContext ctx, Http2Headers response) {
                long peerReceived = parseOffset(response.get(TunnelHeaders.RECEIVED));
                if (!"200".contentEquals(response.status() == null ? "" : response.status()) || peerReceived < 0) {
                    String error = TunnelHeaders.printable(response.get(TunnelHeaders.ERROR));
                    log.warn("stream {} to {}: {} cannot resume it ({} {})", stream.id(), tracked.target(), link,
                            TunnelHeaders.printable(response.status()), error);
                    stream.cancel("agent cannot resume the stream: " + error);
                    ctx.close();
                    return;
                }
                Http2StreamLink carrier = new Http2StreamLink(ctx.channel(), stream, link.toString());
                ctx.pipeline().replace(ctx.handler(), "stream", carrier);
                if (stream.attach(carrier, peerReceived)) {
                    log.info("stream {} to {} resumed via {} (agent had received {} bytes)", stream.id(),
                            tracked.target(), link, peerReceived);
                }
            }

            @Override
            public void lost(String why) {
                log.debug("stream {}: resume via {} lost: {}", stream.id(), link, why);
            }
        }, error -> log.debug("stream {}: resume via {} failed: {}", stream.id(), link, error.toString()));
    }

    /** Sends the live node list; {@code answered} gets the agent's version when it replies 200. */
    void announceNodes(AgentLink link, List<GatewayNode> nodes, Consumer<String> answered) {
        StringBuilder body = new StringBuilder();
        nodes.forEach(node -> body.append(node.id()).append(' ').append(node.tunnelAddress()).append('\n'));
        Http2Headers headers = RequestExchange.request(TunnelHeaders.PATH_NODES)
                .set(TunnelHeaders.NODE_ID, config.nodeId());
        open(link, headers, body.toString(), new RequestExchange.Response() {
            @Override
            public void received(ChannelHandlerContext ctx, Http2Headers response) {
                if ("200".contentEquals(response.status() == null ? "" : response.status())) {
                    answered.accept(TunnelHeaders.printable(response.get(TunnelHeaders.AGENT_VERSION)));
                } else {
                    log.warn("{} refused the node list: {}", link, TunnelHeaders.printable(response.status()));
                }
                ctx.close();
            }

            @Override
            public void lost(String why) {
                log.debug("{}: node list not delivered: {}", link, why);
            }
        });
    }

    private void open(AgentLink link, Http2Headers headers, RequestExchange.Response response,
            Consumer<Throwable> failed) {
        link.openStream(new RequestExchange(response)).addListener(future -> {
            if (future.isSuccess()) {
                RequestExchange.send((Http2StreamChannel) future.getNow(), headers, null);
            } else {
                Throwable cause = future.cause();
                failed.accept(new TunnelDialException("cannot open a stream on " + link + ": "
                        + (cause.getMessage() == null ? "link closed" : cause.getMessage()), true));
            }
        });
    }

    private void open(AgentLink link, Http2Headers headers, String body, RequestExchange.Response response) {
        link.openStream(new RequestExchange(response)).addListener(future -> {
            if (future.isSuccess()) {
                RequestExchange.send((Http2StreamChannel) future.getNow(), headers,
                        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            }
        });
    }

    private static long parseOffset(CharSequence value) {
        if (value == null || value.length() == 0 || value.length() > 19) {
            return -1;
        }
        try {
            return Long.parseLong(value.toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
