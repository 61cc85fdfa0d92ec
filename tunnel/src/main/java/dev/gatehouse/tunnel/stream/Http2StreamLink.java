package dev.gatehouse.tunnel.stream;

import dev.gatehouse.tunnel.protocol.MalformedFrameException;
import dev.gatehouse.tunnel.protocol.StreamFrameReader;
import dev.gatehouse.tunnel.protocol.StreamFrames;
import dev.gatehouse.tunnel.protocol.TunnelCodecs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2UnknownFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries a {@link ResumableStream} over one HTTP/2 stream channel: the last handler of that channel.
 *
 * <p>Writes from any thread only queue (in order, under the stream's lock); the channel's event loop writes what is
 * queued in one batch and flushes once. So no Netty I/O runs under the stream's lock, a writer off the event loop
 * costs one task per batch instead of a task per write and per flush, and TLS gets fewer, larger records.
 */
public final class Http2StreamLink extends ChannelInboundHandlerAdapter implements StreamLink {

    private static final Logger log = LoggerFactory.getLogger(Http2StreamLink.class);

    /**
     * Bytes handed to HTTP/2 but not yet on the socket before the stream's source pauses: one stream window. Netty's
     * default (64 KiB) is one of our DATA frames, which flipped writability, and woke the stream, on every write.
     */
    private static final WriteBufferWaterMark WATER_MARK =
            new WriteBufferWaterMark(TunnelCodecs.STREAM_WINDOW / 2, TunnelCodecs.STREAM_WINDOW);

    private final Channel channel;
    private final ResumableStream stream;
    private final StreamFrameReader reader;
    private final String peer;
    private final LinkAcks acks;
    private final int http2StreamId;
    private final Queue<Object> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
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
        channel.config().setWriteBufferWaterMark(WATER_MARK);
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
        outbox.add(new DefaultHttp2DataFrame(frame));
    }

    @Override
    public void flush() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(drain);
            } catch (RejectedExecutionException e) {
                // The event loop is shutting down with the link: nothing queued will be written.
                releaseQueued();
            }
        }
    }

    /** Writes everything queued so far, in order, then flushes once; on the event loop. */
    private void drain() {
        drainScheduled.set(false);
        boolean wrote = false;
        for (Object next = outbox.poll(); next != null; next = outbox.poll()) {
            if (next instanceof Runnable action) {
                if (wrote) {
                    channel.flush();
                    wrote = false;
                }
                action.run();
            } else {
                channel.write(next);
                wrote = true;
            }
        }
        if (wrote) {
            channel.flush();
        }
    }

    private void releaseQueued() {
        for (Object next = outbox.poll(); next != null; next = outbox.poll()) {
            ReferenceCountUtil.release(next);
        }
    }

    @Override
    public void sendAck(long received) {
        // Queued like data so that it cannot overtake an earlier frame, nor follow an END_STREAM queued after it.
        ByteBuf offset = channel.alloc().buffer(8).writeLong(received);
        outbox.add(new DefaultHttp2UnknownFrame(StreamFrames.ACK_FRAME_TYPE, new Http2Flags(), offset));
        flush();
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
        outbox.add(new DefaultHttp2DataFrame(true));
        flush();
    }

    @Override
    public void endWith(ByteBuf lastFrame) {
        // A peer that never ends its side would otherwise keep the half-closed stream open.
        outbox.add((Runnable) () -> channel.writeAndFlush(new DefaultHttp2DataFrame(lastFrame, true))
                .addListener(written -> channel.close()));
        flush();
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
