package dev.gatehouse.tunnel.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * One request from the gateway (the HTTP/2 client) to an agent, up to the response headers. What happens after the
 * response (a stream link taking over, or the end) is the callback's business; it runs on the stream's event loop.
 */
final class RequestExchange extends ChannelInboundHandlerAdapter {

    interface Response {
        /** Called once with the response headers; {@code ctx} still holds this handler. */
        void received(ChannelHandlerContext ctx, Http2Headers headers);

        /** Called once if the stream ends before any response (link lost, reset). */
        void lost(String why);
    }

    private final Response response;
    private boolean answered;

    RequestExchange(Response response) {
        this.response = response;
    }

    static Http2Headers request(String path) {
        return new DefaultHttp2Headers().method("POST").scheme("https").authority("agent").path(path);
    }

    /** Sends the request headers, and the body with END_STREAM when there is one. */
    static void send(Http2StreamChannel channel, Http2Headers headers, ByteBuf body) {
        if (body == null) {
            channel.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false));
        } else {
            channel.write(new DefaultHttp2HeadersFrame(headers, false));
            channel.writeAndFlush(new DefaultHttp2DataFrame(body, true));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!answered && msg instanceof Http2HeadersFrame frame) {
                answered = true;
                response.received(ctx, frame.headers());
            } else if (!answered) {
                answered = true;
                response.lost("agent sent " + msg.getClass().getSimpleName() + " before its response headers");
                ctx.close();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!answered) {
            answered = true;
            response.lost("agent link closed before the agent answered");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
