package dev.gatehouse.tunnel.gateway;

import dev.gatehouse.tunnel.protocol.AgentIdentity;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.concurrent.Future;
import java.time.Instant;

/** One agent's TLS + HTTP/2 connection to this node, on which the gateway opens streams. */
final class AgentLink {

    private final Channel channel;
    private final AgentIdentity identity;
    private final String remote;
    private volatile String version = "unknown";
    private volatile boolean ready;
    private volatile boolean draining;
    private volatile Instant lastSeen = Instant.now();

    AgentLink(Channel channel, AgentIdentity identity) {
        this.channel = channel;
        this.identity = identity;
        this.remote = String.valueOf(channel.remoteAddress());
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

    String remote() {
        return remote;
    }

    String version() {
        return version;
    }

    /** The agent answered the hello ({@code /v1/nodes}) and has not asked to drain. */
    boolean healthy() {
        return ready && !draining && channel.isActive();
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
