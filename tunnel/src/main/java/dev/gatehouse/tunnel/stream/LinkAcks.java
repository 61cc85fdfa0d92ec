package dev.gatehouse.tunnel.stream;

import dev.gatehouse.tunnel.protocol.StreamFrames;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2UnknownFrame;
import java.util.HashMap;
import java.util.Map;

/**
 * Delivers out-of-band ACK frames straight to their stream, on the link's pipeline between the HTTP/2 codec and the
 * multiplexer: a stream channel that stopped reading (its local side is full) must still learn what the peer got.
 * Event-loop confined, like the link.
 */
public final class LinkAcks extends ChannelInboundHandlerAdapter {

    private final Map<Integer, Http2StreamLink> links = new HashMap<>();

    void register(int http2StreamId, Http2StreamLink link) {
        links.put(http2StreamId, link);
    }

    void unregister(int http2StreamId, Http2StreamLink link) {
        links.remove(http2StreamId, link);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2UnknownFrame frame && frame.frameType() == StreamFrames.ACK_FRAME_TYPE) {
            try {
                Http2StreamLink link = frame.stream() == null ? null : links.get(frame.stream().id());
                if (link != null) {
                    link.ackReceived(frame.content());
                }
            } finally {
                frame.release();
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
