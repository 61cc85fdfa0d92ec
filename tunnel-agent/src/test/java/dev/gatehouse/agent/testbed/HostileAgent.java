package dev.gatehouse.agent.testbed;

import dev.gatehouse.tunnel.protocol.StreamFrames;
import dev.gatehouse.tunnel.protocol.TunnelCodecs;
import dev.gatehouse.tunnel.protocol.TunnelHeaders;
import dev.gatehouse.tunnel.protocol.TunnelTls;
import dev.gatehouse.tunnel.stream.LinkAcks;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An agent with a valid certificate whose answers are hostile, chosen by the target host the gateway dials:
 * {@code bad-status.test}, {@code huge-error.test}, {@code garbage.test}, {@code gap.test}, {@code ack-beyond.test};
 * any other target is echoed frame by frame (a well-behaved stream). {@code raw} mode sends bytes that are not
 * HTTP/2 at all.
 */
public final class HostileAgent implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;

    public HostileAgent(Testbed bed, String name, String network, String gateway, boolean raw) throws Exception {
        TestPki.Issued cert = bed.agentCa.agent(name, network);
        SslContext tls = TunnelTls.agent(cert.keys().getPrivate(), List.of(cert.certificate()),
                List.of(bed.gatewayCa.certificate()));
        int colon = gateway.lastIndexOf(':');
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), "127.0.0.1", 0),
                                new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_2) {
                                    @Override
                                    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                                        if (raw) {
                                            ctx.writeAndFlush(Unpooled.copiedBuffer(
                                                    "GET / HTTP/1.1\r\nHost: x\r\n\r\n\u0000\u00ff garbage",
                                                    StandardCharsets.ISO_8859_1));
                                            return;
                                        }
                                        ctx.pipeline().addLast(TunnelCodecs.agent(), new LinkAcks(),
                                                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                                    @Override
                                                    protected void initChannel(Http2StreamChannel stream) {
                                                        stream.pipeline().addLast(new Behaviour());
                                                    }
                                                }));
                                    }
                                });
                    }
                })
                .connect(gateway.substring(0, colon), Integer.parseInt(gateway.substring(colon + 1)))
                .sync().channel();
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    private static final class Behaviour extends ChannelInboundHandlerAdapter {
        private boolean echoing;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame request) {
                    CharSequence path = request.headers().path();
                    if (!TunnelHeaders.PATH_DIAL.contentEquals(path == null ? "" : path)) {
                        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), true));
                        return;
                    }
                    String target = String.valueOf(request.headers().get(TunnelHeaders.TARGET));
                    answer(ctx, target.substring(0, target.lastIndexOf(':')));
                } else if (echoing && msg instanceof Http2DataFrame data) {
                    ctx.writeAndFlush(new DefaultHttp2DataFrame(data.content().retain()));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void answer(ChannelHandlerContext ctx, String host) {
            switch (host) {
                case "bad-status.test" -> ctx.writeAndFlush(new DefaultHttp2HeadersFrame(
                        new DefaultHttp2Headers().status("abc"), true));
                case "huge-error.test" -> ctx.writeAndFlush(new DefaultHttp2HeadersFrame(
                        new DefaultHttp2Headers().status("403").set(TunnelHeaders.ERROR, "x".repeat(10_000)), true));
                case "garbage.test" -> ok(ctx, Unpooled.wrappedBuffer(new byte[] {0x7f, 0, 1, 2}));
                case "gap.test" -> ok(ctx, StreamFrames.data(ctx.alloc(), 5000,
                        Unpooled.copiedBuffer("late", StandardCharsets.US_ASCII)));
                case "ack-beyond.test" -> ok(ctx, Unpooled.buffer().writeByte(StreamFrames.ACK).writeLong(1L << 40));
                default -> {
                    echoing = true;
                    ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
                }
            }
        }

        private static void ok(ChannelHandlerContext ctx, ByteBuf then) {
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(then));
        }
    }

    @Override
    public void close() {
        channel.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
