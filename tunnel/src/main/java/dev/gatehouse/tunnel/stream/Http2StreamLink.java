package dev.gatehouse.tunnel.stream;

import dev.gatehouse.tunnel.protocol.MalformedFrameException;
import dev.gatehouse.tunnel.protocol.StreamFrameReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import dev.gatehouse.tunnel.protocol.StreamFrames;
import io.netty.handler.codec.http2.DefaultHttp2UnknownFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Carries a {@link ResumableStream} over one HTTP/2 stream channel: the last handler of that channel. */
public final class Http2StreamLink extends ChannelInboundHandlerAdapter implements StreamLink {

    private static final Logger log = LoggerFactory.getLogger(Http2StreamLink.class);

    private final Channel channel;
    private final ResumableStream stream;
    private final StreamFrameReader reader;
    private final String peer;
    private final LinkAcks acks;
    private final int http2StreamId;
    private boolean broken;

    public Http2StreamLink(Channel channel, ResumableStream stream, String peer) {
        this.channel = channel;
        this.stream = stream;
        this.reader = new StreamFrameReader(channel.alloc());
        this.peer = peer;
        LinkAcks acks = channel.parent().pipeline().get(LinkAcks.class);
        if (acks == null) {
            throw new IllegalStateException("the link's pipeline lacks a LinkAcks handler");
        }
        this.acks = acks;
        this.http2StreamId = ((Http2StreamChannel) channel).stream().id();
        acks.register(http2StreamId, this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Http2DataFrame frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ByteBuf content = frame.content();
        if (broken || !content.isReadable()) {
            frame.release();
            return;
        }
        try {
            reader.feed(content, stream);
        } catch (MalformedFrameException e) {
            broken = true;
            stream.protocolError(this, e);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        stream.readComplete(this);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        stream.linkWritabilityChanged(this);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        acks.unregister(http2StreamId, this);
        reader.release();
        stream.detached(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("stream {} via {}: {}", stream.id(), peer, cause.toString());
        ctx.close();
    }

    @Override
    public ByteBufAllocator alloc() {
        return channel.alloc();
    }

    @Override
    public void write(ByteBuf frame) {
        channel.write(new DefaultHttp2DataFrame(frame));
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public void sendAck(long received) {
        ByteBuf offset = channel.alloc().buffer(8).writeLong(received);
        channel.writeAndFlush(new DefaultHttp2UnknownFrame(StreamFrames.ACK_FRAME_TYPE, new Http2Flags(), offset));
    }

    /** An out-of-band ACK from the peer, routed here by {@link LinkAcks}. */
    void ackReceived(ByteBuf payload) {
        if (broken) {
            return;
        }
        try {
            if (payload.readableBytes() != 8) {
                throw new MalformedFrameException("ACK frame of " + payload.readableBytes() + " bytes, expected 8");
            }
            long offset = payload.readLong();
            if (offset < 0) {
                throw new MalformedFrameException("negative ACK offset " + offset);
            }
            stream.ack(offset);
        } catch (MalformedFrameException e) {
            broken = true;
            stream.protocolError(this, e);
        }
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void setReading(boolean reading) {
        channel.config().setAutoRead(reading);
        if (reading) {
            channel.read();
        }
    }

    @Override
    public void end() {
        channel.writeAndFlush(new DefaultHttp2DataFrame(true));
    }

    @Override
    public void endWith(ByteBuf lastFrame) {
        // A peer that never ends its side would otherwise keep the half-closed stream open.
        channel.writeAndFlush(new DefaultHttp2DataFrame(lastFrame, true))
                .addListener(written -> channel.close());
    }

    @Override
    public void close() {
        channel.close();
    }

    @Override
    public String describe() {
        return peer;
    }
}
