package dev.gatehouse.tunnel.gateway;

import dev.gatehouse.tunnel.protocol.AgentIdentity;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.concurrent.Future;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/** One agent's TLS + HTTP/2 connection to this node, on which the gateway opens streams. */
final class AgentLink {

    private final Channel channel;
    private final AgentIdentity identity;
    private final BigInteger certificateSerial;
    private final String remote;
    private volatile String version = "unknown";
    private volatile boolean ready;
    private volatile boolean draining;
    private volatile boolean refused;
    private volatile boolean admitted;
    private volatile Instant lastSeen = Instant.now();
    /** The last status written to the registry, and when (written from this agent's registry lane only). */
    private volatile AgentStatus reported;
    private volatile long reportedAt;

    AgentLink(Channel channel, AgentIdentity identity, BigInteger certificateSerial) {
        this.channel = channel;
        this.identity = identity;
        this.certificateSerial = certificateSerial;
        this.remote = PeerAddress.of(channel.remoteAddress());
    }

    Future<Http2StreamChannel> openStream(ChannelHandler handler) {
        return new Http2StreamChannelBootstrap(channel).handler(handler).open();
    }

    AgentIdentity identity() {
        return identity;
    }

    Channel channel() {
        return channel;
    }

    AgentCertificate certificate() {
        return new AgentCertificate(identity, certificateSerial);
    }

    String remote() {
        return remote;
    }

    /** True when {@code now} differs from the last status written (its time aside), or that is {@code refresh} old. */
    boolean reportDue(AgentStatus now, Duration refresh) {
        AgentStatus last = reported;
        return last == null || System.nanoTime() - reportedAt >= refresh.toNanos()
                || !now.withLastSeen(null).equals(last.withLastSeen(null));
    }

    void reported(AgentStatus status) {
        reported = status;
        reportedAt = System.nanoTime();
    }

    String version() {
        return version;
    }

    /** The agent answered the hello ({@code /v1/nodes}) and has not asked to drain. */
    boolean healthy() {
        return ready && !draining && !refused && channel.isActive();
    }

    /**
     * Ends the link because the agent is not (or no longer) admitted: a GOAWAY whose debug data is the reason, so the
     * agent can log why, then close.
     */
    void refuse(String reason) {
        refused = true;
        refuse(channel, reason);
    }

    /** Sends a GOAWAY whose debug data is {@code reason} on an HTTP/2 tunnel, then closes it. */
    static void refuse(Channel tunnel, String reason) {
        tunnel.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.INADEQUATE_SECURITY,
                        Unpooled.copiedBuffer(reason, StandardCharsets.UTF_8)))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** The registry admitted the agent; the link is in use. */
    void admitted() {
        admitted = true;
    }

    boolean wasAdmitted() {
        return admitted;
    }

    void ready(String agentVersion) {
        this.version = agentVersion;
        this.ready = true;
        seen();
    }

    void draining() {
        this.draining = true;
    }

    void seen() {
        lastSeen = Instant.now();
    }

    Instant lastSeen() {
        return lastSeen;
    }

    @Override
    public String toString() {
        return "agent " + identity + " at " + remote;
    }
}
