package dev.gatehouse.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.agent.testbed.TcpTarget;
import dev.gatehouse.agent.testbed.Testbed;
import dev.gatehouse.agent.tunnel.TunnelAgent;
import dev.gatehouse.tunnel.gateway.TunnelDialException;
import dev.gatehouse.tunnel.gateway.TunnelListener;
import dev.gatehouse.tunnel.gateway.TunnelStream;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Gateway node and agent in one JVM over real mutual TLS on 127.0.0.1, dialing real TCP services. */
class LoopbackTunnelIT {

    private static Testbed bed;
    private static TunnelListener gateway;
    private static String gatewayAddress;
    private static TunnelAgent agent;
    private static TcpTarget echo;
    private static TcpTarget sha;
    private static TcpTarget forbidden;

    @BeforeAll
    static void start() throws Exception {
        bed = new Testbed();
        echo = TcpTarget.echo();
        sha = TcpTarget.sha256();
        forbidden = TcpTarget.echo();
        bed.closeLater(echo);
        bed.closeLater(sha);
        bed.closeLater(forbidden);
        gateway = bed.gateway("node-a", null);
        InetSocketAddress bound = gateway.start();
        gatewayAddress = Testbed.address(bound);
        agent = bed.agent("agent-1", "lab", gatewayAddress,
                Testbed.agentSettings("127.0.0.1:" + echo.port(), "127.0.0.0/8:" + sha.port()));
        Testbed.await("the agent is connected", () -> gateway.healthyAgents("lab").contains("agent-1"));
    }

    @AfterAll
    static void stop() throws Exception {
        bed.close();
    }

    @Test
    void dialThroughTunnelThenEchoedBytesAreExact() throws Exception {
        byte[] sent = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(sent);
        try (TunnelStream stream = open("127.0.0.1", echo.port())) {
            CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> readAll(stream.input()));
            OutputStream out = stream.output();
            for (int off = 0; off < sent.length; off += 50_000) {
                out.write(sent, off, Math.min(50_000, sent.length - off));
            }
            stream.shutdownOutput();
            assertThat(echoed.get(60, TimeUnit.SECONDS)).isEqualTo(sent);
            assertThat(stream.ended().get(30, TimeUnit.SECONDS)).isNull();
        }
    }

    @Test
    void uploadToShaServiceThenDigestMatches() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[256 * 1024];
        Random random = new Random(11);
        long total = 0;
        random.nextBytes(chunk);
        long started = System.nanoTime();
        try (TunnelStream stream = open("localhost", sha.port())) {
            for (int i = 0; i < 256; i++) {
                chunk[i] ^= 1; // every chunk differs, without paying for random bytes inside the timing
                digest.update(chunk);
                stream.output().write(chunk);
                total += chunk.length;
            }
            stream.shutdownOutput();
            String answer = new String(readAll(stream.input()), StandardCharsets.US_ASCII).trim();
            System.out.printf("upload through the tunnel: %d MiB in %.2f s (includes SHA-256 on both ends)%n",
                    total >> 20, (System.nanoTime() - started) / 1e9);
            assertThat(answer).isEqualTo(HexFormat.of().formatHex(digest.digest()) + " " + total);
        }
    }

    @Test
    void dialOutsideAllowListThenRefusedAndOtherStreamsContinue() throws Exception {
        try (TunnelStream running = open("127.0.0.1", echo.port())) {
            running.output().write("before ".getBytes(StandardCharsets.US_ASCII));
            assertThat(readExactly(running.input(), 7)).isEqualTo("before ");

            long refusedBefore = agent.refusedDials();
            assertThatThrownBy(() -> gateway.open("lab", "127.0.0.1", forbidden.port()).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(TunnelDialException.class)
                    .hasMessageContaining("127.0.0.1:" + forbidden.port() + " is not in the agent's allow-list");
            assertThat(agent.refusedDials()).isEqualTo(refusedBefore + 1);

            running.output().write("after".getBytes(StandardCharsets.US_ASCII));
            assertThat(readExactly(running.input(), 5)).isEqualTo("after");
        }
    }

    @Test
    void dialToUnknownNetworkThenClearError() {
        assertThatThrownBy(() -> gateway.open("elsewhere", "127.0.0.1", echo.port()).get(30, TimeUnit.SECONDS))
                .cause().isInstanceOf(TunnelDialException.class)
                .hasMessageContaining("no agent of network 'elsewhere' is connected");
    }

    @Test
    void dialToClosedAllowedPortThenTargetUnreachableReported() throws Exception {
        int closedPort;
        try (var probe = new java.net.ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        // 127.0.0.0/8 is allowed only for the sha port; allow-list refusal must not mask a real connect error.
        assertThatThrownBy(() -> gateway.open("lab", "127.0.0.1", closedPort).get(30, TimeUnit.SECONDS))
                .cause().hasMessageContaining("not in the agent's allow-list");
    }

    @Test
    void agentsSharingThreadsThenClosingOneLeavesTheOtherServing() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
        try {
            var settings = Testbed.agentSettings("127.0.0.1:" + echo.port());
            TunnelAgent first = bed.agent("shared-1", "shared", gatewayAddress, settings, group, blocking);
            bed.agent("shared-2", "shared", gatewayAddress, settings, group, blocking);
            Testbed.await("both agents are connected", () -> gateway.healthyAgents("shared").size() == 2);

            first.close();
            Testbed.await("the closed agent is gone", () -> gateway.healthyAgents("shared").equals(List.of("shared-2")));
            assertThat(group.isShuttingDown()).isFalse();
            try (TunnelStream stream = gateway.open("shared", "127.0.0.1", echo.port()).get(30, TimeUnit.SECONDS)) {
                stream.output().write("still here".getBytes(StandardCharsets.US_ASCII));
                assertThat(readExactly(stream.input(), 10)).isEqualTo("still here");
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            blocking.shutdownNow();
        }
    }

    static TunnelStream open(String host, int port) throws Exception {
        return gateway.open("lab", host, port).get(30, TimeUnit.SECONDS);
    }

    static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String readExactly(InputStream in, int n) throws java.io.IOException {
        return new String(in.readNBytes(n), StandardCharsets.US_ASCII);
    }
}
