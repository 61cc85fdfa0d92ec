package dev.gatehouse.tunnel.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/2 PING when the link is quiet, and a hard close when nothing at all arrives for {@code timeout}: a dead
 * NAT mapping or a silently dropped peer is noticed in bounded time on both ends. Add after the HTTP/2 codec.
 */
public final class LinkLiveness extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(LinkLiveness.class);
    private static final AtomicLong PING_IDS = new AtomicLong();

    private final Duration timeout;
    private final String peer;

    private LinkLiveness(Duration timeout, String peer) {
        this.timeout = timeout;
        this.peer = peer;
    }

    /** An idle detector (put before the HTTP/2 codec, on raw reads) paired with this handler. */
    public static IdleStateHandler idleDetector(Duration interval, Duration timeout) {
        return new IdleStateHandler(timeout.toMillis(), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static LinkLiveness of(Duration timeout, String peer) {
        return new LinkLiveness(timeout, peer);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.READER_IDLE) {
                log.warn("link to {}: nothing received for {} ms, closing it", peer, timeout.toMillis());
                ctx.close();
            } else if (idle.state() == IdleState.ALL_IDLE) {
                ctx.writeAndFlush(new DefaultHttp2PingFrame(PING_IDS.incrementAndGet()));
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }
}
