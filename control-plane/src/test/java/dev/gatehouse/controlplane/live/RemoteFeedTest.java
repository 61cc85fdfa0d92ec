package dev.gatehouse.controlplane.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a bastion node relays for a live view on the control plane ({@link LiveTerminals#relayed}): only the node the
 * watch was asked of is heard, under the order placed for the first watcher, only while someone watches; later
 * watchers share that relay and its backlog; a view whose node falls silent is ended; a frame out of bounds is refused.
 */
class RemoteFeedTest {

    private static final long ORDER = 7;
    private final LiveTerminals terminals = new LiveTerminals();
    private final Viewer viewer = new Viewer();
    private final List<Long> orders = new ArrayList<>();

    private boolean watch(LiveViewer watcher) {
        return terminals.watchRemote("s1", "node-a", watcher, () -> {
            long id = ORDER + orders.size();
            orders.add(id);
            return id;
        });
    }

    @Test
    void theAskedNodesFramesReachTheWatcherUntilTheEnd() {
        watch(viewer);

        assertThat(terminals.relayed("node-a", "s1", ORDER, List.of(LiveFrame.start(120, 40),
                LiveFrame.output("hello\r\n".getBytes(StandardCharsets.UTF_8))))).isTrue();
        assertThat(terminals.relayed("node-a", "s1", ORDER, List.of(LiveFrame.end("exit 0")))).as("ended").isFalse();

        assertThat(viewer.seen).containsExactly("start 80x24", "resize 120x40", "hello\r\n", "end exit 0");
        assertThat(terminals.relayed("node-a", "s1", ORDER, List.of(LiveFrame.output(new byte[] {'x'})))).isFalse();
    }

    @Test
    void anotherNodeIsNotHeardAndNobodyWatchingStopsTheRelay() {
        watch(viewer);

        assertThat(terminals.relayed("node-b", "s1", ORDER, List.of(LiveFrame.output("forged".getBytes(
                StandardCharsets.UTF_8))))).isFalse();
        assertThat(viewer.seen).containsExactly("start 80x24");
        assertThat(terminals.relayed("node-a", "no-such-activity", ORDER, List.of())).isFalse();

        viewer.gone = true;
        terminals.relayed("node-a", "s1", ORDER, List.of(LiveFrame.output(new byte[] {'x'})));
        assertThat(terminals.relayed("node-a", "s1", ORDER, List.of())).as("its only watcher is gone").isFalse();
    }

    @Test
    void laterWatchersShareTheFirstOrderAndSeeTheBacklogOnce() {
        watch(viewer);
        terminals.relayed("node-a", "s1", ORDER, List.of(LiveFrame.start(100, 30), text("$ top\r\n")));
        Viewer second = new Viewer();

        watch(second);
        terminals.relayed("node-a", "s1", ORDER, List.of(text("load 0.1\r\n")));

        assertThat(orders).as("one watch order for both watchers").containsExactly(ORDER);
        assertThat(viewer.seen).containsExactly("start 80x24", "resize 100x30", "$ top\r\n", "load 0.1\r\n");
        assertThat(second.seen).containsExactly("start 100x30", "$ top\r\n", "load 0.1\r\n");
    }

    @Test
    void aRelayOfAnEarlierOrderIsNotHeard() {
        watch(viewer);
        terminals.unwatchRemote("s1", viewer);
        Viewer next = new Viewer();
        watch(next);

        assertThat(orders).as("everyone had left: the next watcher orders again").containsExactly(ORDER, ORDER + 1);
        assertThat(terminals.relayed("node-a", "s1", ORDER, List.of(text("stale")))).isFalse();
        assertThat(terminals.relayed("node-a", "s1", ORDER + 1, List.of(text("fresh")))).isTrue();
        assertThat(next.seen).containsExactly("start 80x24", "fresh");
    }

    @Test
    void aViewWhoseNodeFallsSilentIsEnded() throws InterruptedException {
        watch(viewer);
        assertThat(terminals.endSilentRemotes(Duration.ofSeconds(15))).isZero();
        terminals.relayed("node-a", "s1", ORDER, List.of());

        Thread.sleep(30);
        assertThat(terminals.endSilentRemotes(Duration.ofMillis(20))).isOne();

        assertThat(viewer.seen).last().asString().startsWith("end the gateway node node-a stopped relaying");
        assertThat(terminals.relayed("node-a", "s1", ORDER, List.of(text("late")))).isFalse();
    }

    @Test
    void aWatchThatCannotBeOrderedEndsTheView() {
        assertThatThrownBy(() -> terminals.watchRemote("s1", "node-a", viewer, () -> {
            throw new IllegalStateException("database down");
        })).hasMessage("database down");

        assertThat(viewer.seen).last().asString().contains("could not be asked");
        assertThat(watch(new Viewer())).as("the next watcher tries again").isTrue();
        assertThat(orders).containsExactly(ORDER);
    }

    private static LiveFrame text(String text) {
        return LiveFrame.output(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void framesOutOfBoundsAreRefused() {
        watch(viewer);

        assertThatThrownBy(() -> terminals.relayed("node-a", "s1", ORDER, List.of(LiveFrame.resize(100_000, 24))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 4096");
        assertThatThrownBy(() -> terminals.relayed("node-a", "s1", ORDER,
                List.of(new LiveFrame("bell", 0, 0, null, null))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bell");
        assertThatThrownBy(() -> terminals.relayed("node-a", "s1", ORDER,
                java.util.Arrays.asList((LiveFrame) null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> terminals.relayed("node-a", "s1", ORDER,
                List.of(new LiveFrame("output", 0, 0, "%%", null))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static final class Viewer implements LiveViewer {
        final List<String> seen = new ArrayList<>();
        boolean gone;

        @Override
        public boolean started(int columns, int rows) {
            seen.add("start " + columns + "x" + rows);
            return !gone;
        }

        @Override
        public boolean output(byte[] data) {
            seen.add(new String(data, StandardCharsets.UTF_8));
            return !gone;
        }

        @Override
        public boolean resized(int columns, int rows) {
            seen.add("resize " + columns + "x" + rows);
            return !gone;
        }

        @Override
        public void ended(String reason) {
            seen.add("end " + reason);
        }
    }
}
