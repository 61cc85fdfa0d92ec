package dev.gatehouse.tunnel.gateway;

import dev.gatehouse.tunnel.protocol.AgentIdentity;
import dev.gatehouse.tunnel.protocol.LinkLiveness;
import dev.gatehouse.tunnel.protocol.TunnelCodecs;
import dev.gatehouse.tunnel.stream.LinkAcks;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the TLS handshake, picks what a connection is by ALPN: {@code h2} is an agent's tunnel (a valid, admitted
 * agent certificate is required), {@code http/1.1} (or no ALPN) is enrollment.
 */
final class ConnectionSwitch extends ApplicationProtocolNegotiationHandler {

    private static final Logger log = LoggerFactory.getLogger(ConnectionSwitch.class);

    interface Links {
        /** A tunnel is set up; the listener admits it (asking the registry off the event loop) or refuses it. */
        void connected(AgentLink link);

        void down(AgentLink link);

        /** A connection was refused before it became a link; for metrics and tests. */
        void refused(TunnelMetrics.Refusal reason);
    }

    private final TunnelListenerConfig config;
    private final AgentEnrollment enrollment;
    private final AgentRegistry registry;
    private final Executor blocking;
    private final Links links;

    ConnectionSwitch(TunnelListenerConfig config, AgentEnrollment enrollment, AgentRegistry registry,
            Executor blocking, Links links) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.config = config;
        this.enrollment = enrollment;
        this.registry = registry;
        this.blocking = blocking;
        this.links = links;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        Optional<X509Certificate> certificate = peerCertificate(ctx);
        String remote = PeerAddress.of(ctx.channel().remoteAddress());
        AgentCertificate presented = null;
        if (certificate.isPresent()) {
            try {
                presented = new AgentCertificate(AgentIdentity.fromCertificate(certificate.get()),
                        certificate.get().getSerialNumber());
            } catch (IllegalArgumentException e) {
                log.warn("connection from {} refused: {}", remote, e.getMessage());
                links.refused(TunnelMetrics.Refusal.IDENTITY);
                ctx.close();
                return;
            }
        }
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            if (presented == null) {
                log.warn("tunnel from {} refused: no agent certificate presented", remote);
                links.refused(TunnelMetrics.Refusal.NO_CERTIFICATE);
                // An agent whose certificate TLS did not accept (an unknown CA) arrives here without one: tell it.
                ctx.pipeline().addLast(TunnelCodecs.gateway());
                AgentLink.refuse(ctx.channel(), "no trusted agent certificate presented (is it from this gateway's"
                        + " agent CA?)");
                return;
            }
            startTunnel(ctx, presented);
        } else {
            ctx.pipeline().addLast(new HttpServerCodec(4096, 8192, 8192), new HttpObjectAggregator(16 * 1024),
                    new EnrollmentHandler(enrollment, registry, presented, blocking));
        }
    }

    private void startTunnel(ChannelHandlerContext ctx, AgentCertificate presented) {
        AgentLink link = new AgentLink(ctx.channel(), presented.agent(), presented.serial());
        ctx.pipeline().addLast(LinkLiveness.idleDetector(config.pingInterval(), config.linkTimeout()),
                TunnelCodecs.gateway(),
                new LinkAcks(),
                new Http2MultiplexHandler(new RefuseAgentStreams()),
                LinkLiveness.of(config.linkTimeout(), link.toString()),
                new LinkEvents(link));
        ctx.channel().writeAndFlush(new DefaultHttp2WindowUpdateFrame(TunnelCodecs.CONNECTION_WINDOW_INCREMENT));
        log.debug("{} connected (tunnel); checking that it is admitted", link);
        links.connected(link);
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        String why = rootMessage(cause);
        log.warn("TLS handshake from {} refused: {}", PeerAddress.of(ctx.channel().remoteAddress()), why);
        links.refused(classify(why));
        ctx.close();
    }

    /** The JDK's words for an expired or an untrusted client certificate, as far as the message tells. */
    static TunnelMetrics.Refusal classify(String handshakeFailure) {
        if (handshakeFailure.contains("NotAfter") || handshakeFailure.contains("validity check failed")
                || handshakeFailure.contains("expired")) {
            return TunnelMetrics.Refusal.EXPIRED;
        }
        if (handshakeFailure.contains("certification path") || handshakeFailure.contains("PKIX path building")
                || handshakeFailure.contains("No trusted certificate")) {
            return TunnelMetrics.Refusal.UNTRUSTED;
        }
        return TunnelMetrics.Refusal.TLS;
    }

    private static String rootMessage(Throwable cause) {
        Throwable t = cause;
        StringBuilder out = new StringBuilder(String.valueOf(t.getMessage()));
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            out.append(": ").append(t.getMessage());
        }
        return out.toString();
    }

    private static Optional<X509Certificate> peerCertificate(ChannelHandlerContext ctx) {
        try {
            Certificate[] chain = ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? Optional.of(x) : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    /** Agents serve; they must not open streams. The codec already refuses PUSH; this closes anything else. */
    private static final class RefuseAgentStreams extends ChannelInitializer<Channel> {
        @Override
        protected void initChannel(Channel ch) {
            log.warn("agent tried to open stream on {}; refused", PeerAddress.of(ch.parent().remoteAddress()));
            ch.close();
        }
    }

    /** Link-level frames and the link's end. */
    private final class LinkEvents extends ChannelInboundHandlerAdapter {
        private final AgentLink link;

        LinkEvents(AgentLink link) {
            this.link = link;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            link.seen();
            if (msg instanceof Http2GoAwayFrame) {
                log.info("{} is draining (GOAWAY); no new streams go to it", link);
                link.draining();
            } else if (!(msg instanceof Http2PingFrame)) {
                log.debug("{}: ignored {}", link, msg.getClass().getSimpleName());
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (link.wasAdmitted()) {
                log.info("{} disconnected", link);
            }
            links.down(link);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("{}: {}; closing the link", link, rootMessage(cause));
            ctx.close();
        }
    }
}
