package dev.gatehouse.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.agent.testbed.HostileGateway;
import dev.gatehouse.agent.testbed.TcpTarget;
import dev.gatehouse.agent.testbed.Testbed;
import dev.gatehouse.agent.tunnel.TunnelAgent;
import dev.gatehouse.tunnel.protocol.StreamFrames;
import dev.gatehouse.tunnel.protocol.TunnelHeaders;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A gateway that sends malformed requests and frames: the agent answers with a reason, stays up, other streams go on. */
class HostileGatewayIT {

    private static Testbed bed;
    private static HostileGateway gateway;
    private static TunnelAgent agent;
    private static TcpTarget echo;

    @BeforeAll
    static void start() throws Exception {
        bed = new Testbed();
        echo = bed.echo();
        gateway = new HostileGateway(bed);
        bed.closeLater(gateway);
        agent = bed.agent("agent-1", "lab", gateway.address(), Testbed.agentSettings("127.0.0.1:" + echo.port()));
        gateway.link();
    }

    @AfterAll
    static void stop() throws Exception {
        bed.close();
    }

    @Test
    void malformedRequestsThenEachRefusedWithReason() throws Exception {
        String id = UUID.randomUUID().toString();
        assertRefused(gateway.request(TunnelHeaders.PATH_DIAL, TunnelHeaders.STREAM_ID, id), "400",
                "malformed gatehouse-target");
        assertRefused(gateway.request(TunnelHeaders.PATH_DIAL, TunnelHeaders.STREAM_ID, id,
                TunnelHeaders.TARGET, "no-port"), "400", "expected host:port");
        assertRefused(gateway.request(TunnelHeaders.PATH_DIAL, TunnelHeaders.STREAM_ID, id,
                TunnelHeaders.TARGET, "127.0.0.1:99999"), "400", "expected host:port");
        assertRefused(gateway.request(TunnelHeaders.PATH_DIAL, TunnelHeaders.STREAM_ID, "x",
                TunnelHeaders.TARGET, "127.0.0.1:" + echo.port()), "400", "malformed gatehouse-stream");
        assertRefused(gateway.request(TunnelHeaders.PATH_DIAL, TunnelHeaders.STREAM_ID, id,
                TunnelHeaders.TARGET, "evil host;rm:22"), "400", "expected host:port");
        assertRefused(gateway.request("/v1/../../etc/passwd"), "404", "unknown path");
        assertRefused(gateway.request(TunnelHeaders.PATH_RESUME, TunnelHeaders.STREAM_ID, id,
                TunnelHeaders.RECEIVED, "0"), "404", "unknown or expired");
        assertRefused(gateway.request(TunnelHeaders.PATH_RESUME, TunnelHeaders.STREAM_ID, id,
                TunnelHeaders.RECEIVED, "-5"), "400", "non-negative");
        assertRefused(gateway.request(TunnelHeaders.PATH_DIAL, TunnelHeaders.STREAM_ID, id,
                TunnelHeaders.TARGET, "10.9.9.9:22"), "403", "not in the agent's allow-list");
        assertEchoStillWorks();
    }

    @Test
    void garbageFramesInsideStreamThenOnlyThatStreamAborted() throws Exception {
        HostileGateway.Exchange healthy = dial();
        for (byte[] garbage : new byte[][] {
                {0x7f, 1, 2, 3},
                {StreamFrames.DATA, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff},
                dataAt(1_000_000, "gap"),
                {StreamFrames.ACK, 0, 0, 0, 0x10, 0, 0, 0, 0},
                {StreamFrames.FIN, 0, 0, 0, 0, 0, 0, 0, 9}}) {
            HostileGateway.Exchange victim = dial();
            victim.send(Unpooled.wrappedBuffer(garbage));
            victim.closed.get(30, TimeUnit.SECONDS);
            String abort = drain(victim);
            assertThat(abort).contains("malformed frame");
        }
        healthy.send(StreamFrames.data(ByteBufAllocator.DEFAULT, 0, Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII)));
        assertThat(readEcho(healthy, 5)).isEqualTo("hello");
        assertThat(agent.connectedGateways()).containsExactly(gateway.address());
        assertEchoStillWorks();
    }

    @Test
    void oversizedNodeListAndBadLinesThenIgnoredWithReason() throws Exception {
        HostileGateway.Exchange nodes = gateway.request(TunnelHeaders.PATH_NODES, TunnelHeaders.NODE_ID, "evil");
        nodes.send(Unpooled.wrappedBuffer(new byte[70_000]));
        Http2Headers response = nodes.response.get(30, TimeUnit.SECONDS);
        assertThat(response.status().toString()).isEqualTo("413");
        assertEchoStillWorks();

        String extra = "127.0.0.1:9";
        announce("evil " + gateway.address() + "\n"
                + "node-2 " + extra + "\n"
                + "node-3 10.0.0.1\n"                  // no port
                + "node;rm 10.0.0.2:22\n"             // an id with a shell character
                + "node-4 10.0.0.3:22 surplus\n"      // three fields
                + "node-5 evil;host:22\n"             // a shell character in the address
                + "node-6 10.0.0.4:123456\n");        // port of six digits
        assertThat(agent.knownGateways()).as("only the well-formed lines are taken")
                .containsExactlyInAnyOrder(gateway.address(), extra);
        announce("evil " + gateway.address() + "\n");
        assertThat(agent.knownGateways()).containsExactly(gateway.address());
        assertEchoStillWorks();
    }

    private static void announce(String nodeList) throws Exception {
        HostileGateway.Exchange nodes = gateway.request(TunnelHeaders.PATH_NODES, TunnelHeaders.NODE_ID, "evil");
        nodes.sendLast(Unpooled.copiedBuffer(nodeList, StandardCharsets.UTF_8));
        assertThat(nodes.response.get(30, TimeUnit.SECONDS).status().toString()).isEqualTo("200");
    }

    private static byte[] dataAt(long offset, String text) {
        var buf = StreamFrames.data(ByteBufAllocator.DEFAULT, offset, Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        return bytes;
    }

    private static HostileGateway.Exchange dial() throws Exception {
        HostileGateway.Exchange exchange = gateway.request(TunnelHeaders.PATH_DIAL,
                TunnelHeaders.STREAM_ID, UUID.randomUUID().toString(), TunnelHeaders.TARGET, "127.0.0.1:" + echo.port());
        assertThat(exchange.response.get(30, TimeUnit.SECONDS).status().toString()).isEqualTo("200");
        return exchange;
    }

    private static void assertEchoStillWorks() throws Exception {
        HostileGateway.Exchange exchange = dial();
        exchange.send(StreamFrames.data(ByteBufAllocator.DEFAULT, 0,
                Unpooled.copiedBuffer("still alive", StandardCharsets.US_ASCII)));
        assertThat(readEcho(exchange, 11)).isEqualTo("still alive");
    }

    /** Reads DATA frames of the echo until {@code n} payload bytes arrived (skipping ACK/FIN framing). */
    private static String readEcho(HostileGateway.Exchange exchange, int n) throws Exception {
        StringBuilder raw = new StringBuilder();
        var bytes = new java.io.ByteArrayOutputStream();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (bytes.size() < StreamFrames.DATA_HEADER_LENGTH + n && System.nanoTime() < deadline) {
            byte[] chunk = exchange.data.poll(1, TimeUnit.SECONDS);
            if (chunk != null) {
                bytes.write(chunk);
            }
        }
        byte[] all = bytes.toByteArray();
        assertThat(all.length).as("echo frame received").isGreaterThanOrEqualTo(StreamFrames.DATA_HEADER_LENGTH + n);
        assertThat(all[0]).isEqualTo(StreamFrames.DATA);
        raw.append(new String(all, StreamFrames.DATA_HEADER_LENGTH, n, StandardCharsets.US_ASCII));
        return raw.toString();
    }

    private static String drain(HostileGateway.Exchange exchange) {
        StringBuilder text = new StringBuilder();
        for (byte[] chunk; (chunk = exchange.data.poll()) != null; ) {
            text.append(new String(chunk, StandardCharsets.ISO_8859_1));
        }
        return text.toString();
    }

    private static void assertRefused(HostileGateway.Exchange exchange, String status, String reason)
            throws Exception {
        Http2Headers response = exchange.response.get(30, TimeUnit.SECONDS);
        assertThat(response.status().toString()).isEqualTo(status);
        assertThat(response.get(TunnelHeaders.ERROR).toString()).contains(reason);
    }
}
