package dev.gatehouse.tunnel.gateway;

import dev.gatehouse.pki.x509.Pem;
import dev.gatehouse.tunnel.protocol.AgentIdentity;
import dev.gatehouse.tunnel.protocol.TunnelHeaders;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Join and renewal on the tunnel port (HTTP/1.1 over the same TLS): CSR in, certificate chain out. The seam may
 * block (database, CA), so it runs on {@code blocking}, never on the event loop.
 */
final class EnrollmentHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(EnrollmentHandler.class);

    private final AgentEnrollment enrollment;
    private final AgentRegistry registry;
    private final AgentCertificate presented;
    private final Executor blocking;

    /**
     * {@code presented} is the verified client certificate, or null when the agent showed none; a presented
     * certificate must still be admitted by {@code registry} (not revoked) for any request.
     */
    EnrollmentHandler(AgentEnrollment enrollment, AgentRegistry registry, AgentCertificate presented,
            Executor blocking) {
        this.enrollment = enrollment;
        this.registry = registry;
        this.presented = presented;
        this.blocking = blocking;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = request.uri();
        if (!HttpMethod.POST.equals(request.method())
                || !(TunnelHeaders.PATH_JOIN.equals(path) || TunnelHeaders.PATH_RENEW.equals(path))) {
            respond(ctx, HttpResponseStatus.NOT_FOUND, "only POST " + TunnelHeaders.PATH_JOIN + " and POST "
                    + TunnelHeaders.PATH_RENEW + " are served on the tunnel port without a tunnel");
            return;
        }
        byte[] csr;
        try {
            csr = Pem.csr(request.content().toString(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "request body: " + e.getMessage());
            return;
        }
        String remote = PeerAddress.of(ctx.channel().remoteAddress());
        if (TunnelHeaders.PATH_JOIN.equals(path)) {
            String token = request.headers().get(TunnelHeaders.JOIN_TOKEN);
            String network = request.headers().get(TunnelHeaders.JOIN_NETWORK);
            String name = request.headers().get(TunnelHeaders.JOIN_AGENT_NAME);
            try {
                AgentIdentity.requireName("network", network);
                AgentIdentity.requireName("agent name", name);
            } catch (IllegalArgumentException e) {
                respond(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage());
                return;
            }
            if (token == null || token.isBlank()) {
                respond(ctx, HttpResponseStatus.BAD_REQUEST, "header " + TunnelHeaders.JOIN_TOKEN + " is missing");
                return;
            }
            JoinRequest join = new JoinRequest(token, network, name, csr);
            run(ctx, "join of " + name + "@" + network + " from " + remote, () -> enrollment.join(join));
        } else {
            if (presented == null) {
                respond(ctx, HttpResponseStatus.UNAUTHORIZED, "renewal needs the agent's current certificate");
                return;
            }
            run(ctx, "renewal of " + presented.agent() + " from " + remote,
                    () -> enrollment.renew(presented.agent(), presented.serial(), csr));
        }
    }

    private interface Issue {
        List<X509Certificate> call() throws EnrollmentException;
    }

    private void run(ChannelHandlerContext ctx, String what, Issue issue) {
        blocking.execute(() -> {
            try {
                if (presented != null) {
                    Optional<String> refusal = registry.refusal(presented.agent(), presented.serial());
                    if (refusal.isPresent()) {
                        throw new EnrollmentException(refusal.get());
                    }
                }
                List<X509Certificate> chain = issue.call();
                log.info("{}: certificate {} issued, valid until {}", what,
                        chain.getFirst().getSerialNumber().toString(16), chain.getFirst().getNotAfter().toInstant());
                respond(ctx, HttpResponseStatus.OK, Pem.encode(chain.toArray(X509Certificate[]::new)));
            } catch (EnrollmentException e) {
                log.warn("{} refused: {}", what, e.getMessage());
                respond(ctx, HttpResponseStatus.FORBIDDEN, e.getMessage());
            } catch (RuntimeException e) {
                log.error("{} failed", what, e);
                respond(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "enrollment failed on the gateway");
            }
        });
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(text + (text.endsWith("\n") ? "" : "\n"), StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, status == HttpResponseStatus.OK
                        ? "application/pem-certificate-chain" : "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("enrollment connection from {}: {}", PeerAddress.of(ctx.channel().remoteAddress()), cause.toString());
        ctx.close();
    }
}
