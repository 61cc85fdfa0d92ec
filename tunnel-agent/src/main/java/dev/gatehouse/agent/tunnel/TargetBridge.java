package dev.gatehouse.agent.tunnel;

import dev.gatehouse.tunnel.stream.ResumableStream;
import dev.gatehouse.tunnel.stream.StreamSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins a target TCP connection to a {@link ResumableStream}: target bytes go to the gateway, gateway bytes to the
 * target, half-closes both ways, and back-pressure from either side stops reading on the other.
 */
final class TargetBridge extends ChannelInboundHandlerAdapter implements StreamSink {

    private static final Logger log = LoggerFactory.getLogger(TargetBridge.class);

    private final Channel target;
    private final String describe;
    private ResumableStream stream;
    private volatile boolean ended;
    private volatile boolean targetFinished;
    private volatile boolean gatewayFinished;

    TargetBridge(Channel target, String describe) {
        this.target = target;
        this.describe = describe;
    }

    void bind(ResumableStream resumable) {
        this.stream = resumable;
    }

    // ---- target -> gateway

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        stream.send((ByteBuf) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        stream.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            targetFinished = true;
            stream.finish();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        stream.pauseInbound(!ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Both directions finished: the stream completes by itself once the FINs are acknowledged.
        if (!ended && !(targetFinished && gatewayFinished)) {
            stream.cancel("connection to target " + describe + " closed");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.info("target {}: {}", describe, cause.getMessage());
        stream.cancel("target " + describe + ": " + cause.getMessage());
        ctx.close();
    }

    // ---- gateway -> target (called under the stream's lock; Netty queues writes from other threads)

    @Override
    public void deliver(ByteBuf data) {
        target.write(data, target.voidPromise());
    }

    @Override
    public void flush() {
        target.flush();
    }

    @Override
    public void peerFinished() {
        gatewayFinished = true;
        // Netty's shutdownOutput() fails writes still queued; shut down once everything before it is written.
        target.writeAndFlush(Unpooled.EMPTY_BUFFER)
                .addListener(written -> ((SocketChannel) target).shutdownOutput());
    }

    @Override
    public void sourcePaused(boolean paused) {
        target.config().setAutoRead(!paused);
    }

    @Override
    public void ended(String abortReason) {
        ended = true;
        if (abortReason != null) {
            log.info("stream to {} ended: {}", describe, abortReason);
        }
        target.close();
    }
}
