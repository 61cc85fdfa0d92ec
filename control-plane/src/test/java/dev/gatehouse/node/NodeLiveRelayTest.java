package dev.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.live.LiveFrame;
import dev.gatehouse.controlplane.live.LiveTerminals;
import dev.gatehouse.controlplane.nodes.NodeWire;
import dev.gatehouse.sshproxy.events.Activity;
import dev.gatehouse.sshproxy.events.SessionInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node's relay of one terminal for a live view ({@link NodeLiveRelay}): size and backlog first, then output, every
 * batch under the watch order's id; it stops when nobody watches; a control plane that does not take what is sent
 * ends the view rather than the node's memory, per relay and for all relays of the node together.
 */
@Timeout(30)
class NodeLiveRelayTest {

    private final LiveTerminals terminals = new LiveTerminals();
    private final SessionInfo session = new SessionInfo("s-1", "alice", "root", "web-01", "direct", "192.0.2.7:5000",
            Instant.now());
    private final BlockingQueue<NodeWire.LiveBatch> sent = new LinkedBlockingQueue<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean watching = true;
    private volatile boolean held;
    private final NodeLiveRelay.Sink sink = batch -> {
        sent.add(batch);
        if (held) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return watching;
    };

    @AfterEach
    void letGo() {
        release.countDown();
    }

    @Test
    void theSizeAndBacklogComeFirstThenOutputUnderTheOrdersId() throws InterruptedException {
        Activity shell = shell("a-1");
        type(shell, "$ ls\r\n");
        NodeLiveRelay relay = NodeLiveRelay.start("a-1", 42, sink, terminals,
                budget(NodeLiveRelay.MAX_NODE_QUEUED_BYTES));
        type(shell, "README\r\n");
        terminals.activityEnded(shell, 0, null, null);

        List<String> frames = new ArrayList<>();
        while (!frames.contains("end exit 0")) {
            NodeWire.LiveBatch batch = sent.poll(10, TimeUnit.SECONDS);
            assertThat(batch).as("a batch").isNotNull();
            assertThat(batch.watch()).isEqualTo(42L);
            assertThat(batch.sessionId()).isEqualTo("a-1");
            batch.frames().forEach(frame -> frames.add(describe(frame)));
        }
        assertThat(frames).containsExactly("start 100x30", "$ ls\r\n", "README\r\n", "end exit 0");
        await(() -> !relay.isOpen());
    }

    @Test
    void nobodyWatchingStopsTheRelay() throws InterruptedException {
        Activity shell = shell("a-1");
        watching = false;
        NodeLiveRelay relay = NodeLiveRelay.start("a-1", 1, sink, terminals,
                budget(NodeLiveRelay.MAX_NODE_QUEUED_BYTES));

        assertThat(sent.poll(10, TimeUnit.SECONDS)).isNotNull();
        await(() -> !relay.isOpen());
        type(shell, "unseen");
        assertThat(sent.poll(300, TimeUnit.MILLISECONDS)).as("nothing after the stop").isNull();
    }

    @Test
    void aRelayThatFallsBehindEndsAndGivesItsBytesBack() throws InterruptedException {
        Activity shell = shell("a-1");
        NodeLiveRelay.Budget budget = budget(NodeLiveRelay.MAX_NODE_QUEUED_BYTES);
        held = true;
        NodeLiveRelay relay = NodeLiveRelay.start("a-1", 1, sink, terminals, budget);
        assertThat(sent.poll(10, TimeUnit.SECONDS)).as("the first batch, held by the control plane").isNotNull();

        for (int i = 0; i < 80 && relay.isOpen(); i++) {
            terminals.output(shell, new byte[64 * 1024], 0, 64 * 1024);
        }

        assertThat(relay.isOpen()).as("fell behind past %d bytes queued", NodeLiveRelay.MAX_QUEUED_BYTES).isFalse();
        assertThat(budget.queued()).isLessThanOrEqualTo(NodeLiveRelay.MAX_QUEUED_BYTES);
        release.countDown();
        NodeWire.LiveBatch last = sent.poll(10, TimeUnit.SECONDS);
        assertThat(last.frames()).extracting(LiveFrame::reason)
                .containsExactly("the live view fell behind; reload to catch up");
        await(() -> budget.queued() == 0);
    }

    @Test
    void allRelaysTogetherStayWithinTheNodesBudget() throws InterruptedException {
        long limit = 1024 * 1024;
        NodeLiveRelay.Budget budget = budget(limit);
        Activity first = shell("a-1");
        Activity second = shell("a-2");
        held = true;
        NodeLiveRelay one = NodeLiveRelay.start("a-1", 1, sink, terminals, budget);
        NodeLiveRelay two = NodeLiveRelay.start("a-2", 2, sink, terminals, budget);
        assertThat(sent.poll(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(sent.poll(10, TimeUnit.SECONDS)).isNotNull();

        for (int i = 0; i < 10; i++) {
            terminals.output(first, new byte[60 * 1024], 0, 60 * 1024);
            assertThat(budget.queued()).isLessThanOrEqualTo(limit);
        }
        for (int i = 0; i < 10; i++) {
            terminals.output(second, new byte[60 * 1024], 0, 60 * 1024);
            assertThat(budget.queued()).isLessThanOrEqualTo(limit);
        }

        assertThat(one.isOpen()).as("600 KiB (800 KiB as base64) fits the node's 1 MiB").isTrue();
        assertThat(two.isOpen()).as("a second 600 KiB does not, though within its own 4 MiB").isFalse();
        release.countDown();
        terminals.activityEnded(first, 0, null, null);
        await(() -> !one.isOpen() && budget.queued() == 0);
    }

    private Activity shell(String id) {
        Activity shell = new Activity(id, session, Activity.Kind.SHELL, null, "xterm", 100, 30, Instant.now());
        terminals.activityStarted(shell);
        return shell;
    }

    private void type(Activity activity, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        terminals.output(activity, bytes, 0, bytes.length);
    }

    private static NodeLiveRelay.Budget budget(long limit) {
        return new NodeLiveRelay.Budget(limit);
    }

    private static String describe(LiveFrame frame) {
        return switch (frame.type()) {
            case "start", "resize" -> frame.type() + " " + frame.columns() + "x" + frame.rows();
            case "output" -> new String(Base64.getDecoder().decode(frame.data()), StandardCharsets.UTF_8);
            default -> frame.type() + " " + frame.reason();
        };
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("still waiting").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
