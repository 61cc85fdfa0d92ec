package dev.gatehouse.sshproxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutputRingTest {

    @Test
    void keepsEverythingWhileItFits() {
        OutputRing ring = new OutputRing(8);
        ring.append(bytes("abc"), 0, 3);
        ring.append(bytes("de"), 0, 2);

        assertThat(new String(ring.contents(), StandardCharsets.US_ASCII)).isEqualTo("abcde");
        assertThat(ring.overwritten()).isZero();
    }

    @Test
    void whenFullKeepsTheNewestBytesAndCountsTheOverwrittenOnes() {
        OutputRing ring = new OutputRing(8);
        ring.append(bytes("abcdef"), 0, 6);
        ring.append(bytes("ghijk"), 0, 5);

        assertThat(new String(ring.contents(), StandardCharsets.US_ASCII)).isEqualTo("defghijk");
        assertThat(ring.overwritten()).isEqualTo(3);
    }

    @Test
    void aWriteLargerThanTheRingKeepsItsTail() {
        OutputRing ring = new OutputRing(4);
        ring.append(bytes("xy"), 0, 2);
        ring.append(bytes("0123456789"), 1, 8);

        assertThat(new String(ring.contents(), StandardCharsets.US_ASCII)).isEqualTo("5678");
        assertThat(ring.overwritten()).isEqualTo(2 + 4);
    }

    @Test
    void clearStartsAfresh() {
        OutputRing ring = new OutputRing(4);
        ring.append(bytes("abcdef"), 0, 6);
        ring.clear();
        ring.append(bytes("z"), 0, 1);

        assertThat(new String(ring.contents(), StandardCharsets.US_ASCII)).isEqualTo("z");
        assertThat(ring.overwritten()).isZero();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
