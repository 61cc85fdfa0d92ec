package dev.gatehouse.controlplane.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a bastion node relays for a live view on the control plane ({@link LiveTerminals#relayed}): only the node the
 * watch was asked of is heard, only while someone watches, and a frame out of bounds is refused.
 */
class RemoteFeedTest {

    private final LiveTerminals terminals = new LiveTerminals();
    private final Viewer viewer = new Viewer();

    @Test
    void theAskedNodesFramesReachTheWatcherUntilTheEnd() {
        terminals.remoteFeed("s1", "node-a").watch(viewer);

        assertThat(terminals.relayed("node-a", "s1", List.of(LiveFrame.start(120, 40),
                LiveFrame.output("hello\r\n".getBytes(StandardCharsets.UTF_8))))).isTrue();
        assertThat(terminals.relayed("node-a", "s1", List.of(LiveFrame.end("exit 0")))).as("ended").isFalse();

        assertThat(viewer.seen).containsExactly("start 80x24", "resize 120x40", "hello\r\n", "end exit 0");
        assertThat(terminals.relayed("node-a", "s1", List.of(LiveFrame.output(new byte[] {'x'})))).isFalse();
    }

    @Test
    void anotherNodeIsNotHeardAndNobodyWatchingStopsTheRelay() {
        terminals.remoteFeed("s1", "node-a").watch(viewer);

        assertThat(terminals.relayed("node-b", "s1", List.of(LiveFrame.output("forged".getBytes(
                StandardCharsets.UTF_8))))).isFalse();
        assertThat(viewer.seen).containsExactly("start 80x24");
        assertThat(terminals.relayed("node-a", "no-such-activity", List.of())).isFalse();

        viewer.gone = true;
        terminals.relayed("node-a", "s1", List.of(LiveFrame.output(new byte[] {'x'})));
        assertThat(terminals.relayed("node-a", "s1", List.of())).as("its only watcher is gone").isFalse();
    }

    @Test
    void framesOutOfBoundsAreRefused() {
        terminals.remoteFeed("s1", "node-a").watch(viewer);

        assertThatThrownBy(() -> terminals.relayed("node-a", "s1", List.of(LiveFrame.resize(100_000, 24))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 4096");
        assertThatThrownBy(() -> terminals.relayed("node-a", "s1", List.of(new LiveFrame("bell", 0, 0, null, null))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bell");
        assertThatThrownBy(() -> terminals.relayed("node-a", "s1", java.util.Arrays.asList((LiveFrame) null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> terminals.relayed("node-a", "s1", List.of(new LiveFrame("output", 0, 0, "%%", null))))
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
