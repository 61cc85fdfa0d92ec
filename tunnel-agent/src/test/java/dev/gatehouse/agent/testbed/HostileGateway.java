package dev.gatehouse.agent.testbed;

import dev.gatehouse.tunnel.protocol.TunnelCodecs;
import dev.gatehouse.tunnel.protocol.TunnelTls;
import dev.gatehouse.tunnel.stream.LinkAcks;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A gateway that speaks the tunnel protocol's transport correctly (mutual TLS, HTTP/2 client) but sends whatever
 * requests and frames the test wants, to fuzz the agent.
 */
public final class HostileGateway implements AutoCloseable {

    /** One request stream: the response headers, then every byte of DATA the agent sent. */
    public static final class Exchange extends ChannelInboundHandlerAdapter {
        public final CompletableFuture<Http2Headers> response = new CompletableFuture<>();
        public final LinkedBlockingQueue<byte[]> data = new LinkedBlockingQueue<>();
        public final CompletableFuture<Void> closed = new CompletableFuture<>();
        private Channel channel;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame headers) {
                response.complete(headers.headers());
            } else if (msg instanceof Http2DataFrame frame) {
                byte[] bytes = new byte[frame.content().readableBytes()];
                frame.content().readBytes(bytes);
                data.add(bytes);
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed.complete(null);
            response.completeExceptionally(new IllegalStateException("stream closed without response"));
        }

        /** Sends raw bytes as one DATA frame. */
        public void send(ByteBuf bytes) {
            channel.writeAndFlush(new DefaultHttp2DataFrame(bytes));
        }

        /** Sends raw bytes as the stream's last DATA frame. */
        public void sendLast(ByteBuf bytes) {
            channel.writeAndFlush(new DefaultHttp2DataFrame(bytes, true));
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final LinkedBlockingQueue<Channel> links = new LinkedBlockingQueue<>();

    public HostileGateway(Testbed bed) throws Exception {
        TestPki.Issued cert = bed.gatewayCa.server();
        SslContext tls = TunnelTls.gateway(cert.keys().getPrivate(), List.of(cert.certificate()),
                List.of(bed.agentCa.certificate()));
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()),
                                new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                                    @Override
                                    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                                        ctx.pipeline().addLast(TunnelCodecs.gateway(), new LinkAcks(),
                                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                                        links.add(ctx.channel());
                                    }
                                });
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    public String address() {
        return "127.0.0.1:" + ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    /** The agent's current link, waiting for it to connect. */
    public Channel link() throws InterruptedException {
        Channel link = links.poll(30, TimeUnit.SECONDS);
        if (link == null) {
            throw new AssertionError("the agent did not connect to the hostile gateway");
        }
        links.add(link);
        return link;
    }

    /** Opens a stream and sends {@code headers} (path and custom headers as given; pseudo headers filled in). */
    public Exchange request(String path, CharSequence... nameValues) throws Exception {
        Http2Headers headers = new DefaultHttp2Headers().method("POST").scheme("https").authority("agent").path(path);
        for (int i = 0; i + 1 < nameValues.length; i += 2) {
            headers.add(nameValues[i], nameValues[i + 1]);
        }
        Exchange exchange = new Exchange();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(link()).handler(exchange).open()
                .get(30, TimeUnit.SECONDS);
        exchange.channel = stream;
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false)).sync();
        return exchange;
    }

    @Override
    public void close() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
