package dev.gatehouse.sshproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.recording.ChannelStream;
import dev.gatehouse.sshproxy.channel.BytesInFlight;
import dev.gatehouse.sshproxy.fixture.AgainstOneTarget;
import dev.gatehouse.sshproxy.fixture.SshRun.Result;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.Test;

/**
 * A client that advertises a huge window and stops reading cannot make the bastion queue without bound, nor can a
 * recorder that is behind: each holds the source back through its SSH window, and other sessions go on.
 */
class BastionBackPressureIT extends AgainstOneTarget {

    private static final long HUGE_WINDOW = 1L << 31;
    /** One packet may go beyond the budget; MINA adds a little framing per packet. */
    private static final long ALLOWED = BytesInFlight.BUDGET + 64 * 1024;

    @Test
    void aClientWithAHugeWindowThatStopsReadingHoldsTheTargetBackAndOthersGoOn() throws Exception {
        CountDownLatch resume = new CountDownLatch(1);
        AtomicLong received = new AtomicLong();
        // The client's I/O thread blocks in here: it stops reading its socket, as a stuck client would.
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                received.addAndGet(len);
                try {
                    resume.await();
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }
        };
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setKeyIdentityProvider(new FileKeyPairProvider(gw.alice.key().privateKey()));
        CoreModuleProperties.WINDOW_SIZE.set(client, HUGE_WINDOW);
        client.start();
        try (ClientSession session = login(client)) {
            long heapBefore = usedHeapAfterGc();
            ChannelExec exec = session.createExecChannel("cat /dev/zero");
            exec.setOut(stuck);
            exec.open().verify(Duration.ofSeconds(20));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (received.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(received.get()).as("the client got the target's output").isPositive();

            long largest = 0;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < until) {
                largest = Math.max(largest, gw.bastion.largestChannelBytesInFlight());
                Thread.sleep(20);
            }
            long heapGrowth = usedHeapAfterGc() - heapBefore;

            assertThat(largest).as("bytes in flight towards the stuck client").isPositive().isLessThanOrEqualTo(ALLOWED);
            assertThat(heapGrowth).as("heap growth while the client was stuck").isLessThan(128L << 20);
            Result other = gw.alice.ssh(gw.direct("root", "web-01", "echo another-session"));
            assertThat(other.exitCode()).as(other.stderr()).isZero();
            assertThat(other.out()).isEqualTo("another-session\n");
            exec.close(true);
        } finally {
            resume.countDown();
            client.stop();
        }
    }

    @Test
    void whileTheRecorderIsBehindTheTargetIsHeldBackByItsWindowAndOtherSessionsGoOn() throws Exception {
        long total = 32L << 20;
        String command = "head -c " + total + " /dev/zero";
        AtomicLong received = new AtomicLong();
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) {
                received.incrementAndGet();
            }

            @Override
            public void write(byte[] b, int off, int len) {
                received.addAndGet(len);
            }
        };
        gw.recorder.behind(true);
        SshClient client = client();
        try (ClientSession session = login(client)) {
            ChannelExec exec = session.createExecChannel(command);
            exec.setOut(counting);
            exec.open().verify(Duration.ofSeconds(20));
            long held = awaitSteady(received);
            // The target's window (MINA's default, 2 MiB) is opened again only once the recorder caught up.
            assertThat(held).as("bytes relayed while the recorder was behind").isPositive().isLessThan(8L << 20);
            var tape = gw.recorder.sessions().stream().filter(t -> command.equals(t.start().command())).findFirst()
                    .orElseThrow();
            assertThat(tape.stream(ChannelStream.STDOUT)).as("recorded while behind").hasSize((int) held);

            Result other = gw.alice.ssh(gw.direct("root", "web-01", "echo another-session"));
            assertThat(other.exitCode()).as(other.stderr()).isZero();
            assertThat(other.out()).isEqualTo("another-session\n");

            gw.recorder.behind(false);
            exec.waitFor(java.util.EnumSet.of(org.apache.sshd.client.channel.ClientChannelEvent.CLOSED),
                    Duration.ofSeconds(60));
            assertThat(received.get()).as("relayed once the recorder caught up").isEqualTo(total);
            assertThat(tape.stream(ChannelStream.STDOUT).length).isEqualTo(total);
        } finally {
            gw.recorder.behind(false);
            client.stop();
        }
    }

    /** The count once it stopped growing for a second (within 20 s). */
    private static long awaitSteady(AtomicLong count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long last = -1;
        while (System.nanoTime() < deadline) {
            long now = count.get();
            if (now > 0 && now == last) {
                return now;
            }
            last = now;
            Thread.sleep(1000);
        }
        return count.get();
    }

    @Test
    void aFloodOfWindowChangesIsCoalescedAndTheTargetEndsAtTheLastSize() throws Exception {
        SshClient client = client();
        try (ClientSession session = login(client)) {
            ChannelExec exec = session.createExecChannel("echo started; sleep 3; stty size");
            exec.setUsePty(true);
            exec.setPtyColumns(80);
            exec.setPtyLines(24);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            exec.setOut(out);
            exec.open().verify(Duration.ofSeconds(20));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!out.toString(java.nio.charset.StandardCharsets.UTF_8).contains("started")
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            for (int i = 0; i < 5000; i++) {
                exec.sendWindowChange(100 + i % 50, 30);
            }
            exec.sendWindowChange(123, 45);
            exec.waitFor(java.util.EnumSet.of(org.apache.sshd.client.channel.ClientChannelEvent.CLOSED),
                    Duration.ofSeconds(30));

            assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("started\r\n45 123\r\n");
            var tape = gw.recorder.sessions().stream()
                    .filter(t -> "echo started; sleep 3; stty size".equals(t.start().command())).findFirst()
                    .orElseThrow();
            assertThat(tape.resizes()).as("resizes recorded of 5001 sent").isNotEmpty().hasSizeLessThan(200)
                    .last().satisfies(size -> assertThat(size).containsExactly(123, 45));
        } finally {
            client.stop();
        }
    }

    private SshClient client() {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setKeyIdentityProvider(new FileKeyPairProvider(gw.alice.key().privateKey()));
        client.start();
        return client;
    }

    private ClientSession login(SshClient client) throws java.io.IOException {
        ClientSession session = client.connect("root@web-01", "127.0.0.1", gw.bastion.port())
                .verify(Duration.ofSeconds(20)).getSession();
        session.auth().verify(Duration.ofSeconds(20));
        return session;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
