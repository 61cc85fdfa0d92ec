package dev.gatehouse.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.agent.testbed.CuttableRelay;
import dev.gatehouse.agent.testbed.TcpTarget;
import dev.gatehouse.agent.testbed.Testbed;
import dev.gatehouse.tunnel.gateway.TunnelListener;
import dev.gatehouse.tunnel.gateway.TunnelStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A relay the test controls sits between agent and gateway. During a large echo transfer (both directions busy)
 * the relay resets every connection several times; the stream must resume each time and deliver every byte.
 */
class CutLinkIT {

    /** 256 MiB each way by default; {@code -Dgatehouse.cut.mib=} lowers it on a slow machine. */
    private static final long TOTAL = Long.getLong("gatehouse.cut.mib", 256) << 20;
    private static final int CUTS = 5;

    @Test
    void cutLinkSeveralTimesDuringLargeTransferThenDigestMatchesAndStreamStaysOpen() throws Exception {
        try (Testbed bed = new Testbed(); TcpTarget echo = TcpTarget.echo()) {
            CuttableRelay relay = new CuttableRelay(0);
            bed.closeLater(relay);
            TunnelListener gateway = bed.gateway("node-a", "127.0.0.1:" + relay.port());
            relay.upstream(gateway.start().getPort());
            bed.agent("agent-1", "lab", "127.0.0.1:" + relay.port(),
                    Testbed.agentSettings("127.0.0.1:" + echo.port()));
            Testbed.await("the agent is connected", () -> gateway.healthyAgents("lab").contains("agent-1"));

            TunnelStream stream = gateway.open("lab", "127.0.0.1", echo.port()).get(30, TimeUnit.SECONDS);
            AtomicLong echoed = new AtomicLong();
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> digestOf(stream.input(), echoed));

            MessageDigest sentDigest = MessageDigest.getInstance("SHA-256");
            byte[] chunk = new byte[128 * 1024];
            Random random = new Random(42);
            OutputStream out = stream.output();
            long sent = 0;
            int cuts = 0;
            long started = System.nanoTime();
            while (sent < TOTAL) {
                random.nextBytes(chunk);
                int n = (int) Math.min(chunk.length, TOTAL - sent);
                sentDigest.update(chunk, 0, n);
                out.write(chunk, 0, n);
                sent += n;
                if (cuts < CUTS && sent >= (cuts + 1) * (TOTAL / (CUTS + 1))) {
                    int acceptedBefore = relay.accepted();
                    relay.cut();
                    cuts++;
                    // Wait for the agent to come back before the next cut, so every cut hits a live link.
                    Testbed.await("the agent reconnected after cut " + cuts, () -> relay.accepted() > acceptedBefore);
                }
            }
            stream.shutdownOutput();
            String echoedDigest = received.get(5, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("cut-link transfer: %d MiB each way, %d cuts, %.1f s (%.1f MiB/s each way)%n",
                    TOTAL >> 20, cuts, seconds, (TOTAL >> 20) / seconds);

            assertThat(cuts).isEqualTo(CUTS);
            assertThat(echoed.get()).isEqualTo(TOTAL);
            assertThat(echoedDigest).isEqualTo(HexFormat.of().formatHex(sentDigest.digest()));
            assertThat(stream.ended().get(30, TimeUnit.SECONDS)).as("clean end, no abort").isNull();
            assertThat(relay.accepted()).isGreaterThan(CUTS);
        }
    }

    private static String digestOf(InputStream in, AtomicLong count) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
                count.addAndGet(n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (Exception e) {
            throw new IllegalStateException("reading the echo failed after " + count.get() + " bytes", e);
        }
    }
}
