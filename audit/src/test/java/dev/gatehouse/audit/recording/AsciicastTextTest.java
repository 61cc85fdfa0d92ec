package dev.gatehouse.audit.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.events.CanonicalJson;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The asciicast writer's own JSON strings and times: the same text the JSON library and {@code %.6f} gave before. */
class AsciicastTextTest {

    @Test
    void everyCharacterIsEscapedAsTheJsonLibraryEscapesIt() {
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            String text = "a" + c + "b";
            assertThat(quoted(text)).as("U+%04X", (int) c).isEqualTo(CanonicalJson.write(text));
        }
    }

    @Test
    void mixedTerminalOutputIsEscapedAsTheJsonLibraryEscapesIt() {
        Random random = new Random(7);
        String alphabet = "ab \r\n\t\b\f\"\\/\u001b[0m\u0000\u007f\u00e9\u2028\u4e2d\ud83d\ude00";
        for (int round = 0; round < 2000; round++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(200); i > 0; i--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertThat(quoted(text.toString())).isEqualTo(CanonicalJson.write(text.toString()));
        }
    }

    @Test
    void timesAreWrittenAsPercentSixFWouldWriteThem() {
        Random random = new Random(11);
        long[] fixed = {0, 1, 499, 501, 999, 1_000, 999_999_499L, 999_999_501L, 1_000_000_000L, 86_400_000_000_123L};
        for (long nanos : fixed) {
            assertThat(AsciicastWriter.seconds(new StringBuilder(), nanos).toString())
                    .isEqualTo(String.format(Locale.ROOT, "%.6f", nanos / 1e9));
        }
        for (int i = 0; i < 100_000; i++) {
            long nanos = random.nextLong(7L * 24 * 3600 * 1_000_000_000L);
            if (nanos % 1000 == 500) {
                continue; // a tie: %.6f rounds the nearest double, which may fall either side of it
            }
            assertThat(AsciicastWriter.seconds(new StringBuilder(), nanos).toString()).as("%d ns", nanos)
                    .isEqualTo(String.format(Locale.ROOT, "%.6f", nanos / 1e9));
        }
    }

    @Test
    void aLineIsTheArrayTheJsonLibraryWouldWrite() {
        StringBuilder out = new StringBuilder();
        AsciicastWriter.line(out, 1_234_567_891L, "i", "ls -la \"x\"\r");
        assertThat(out).hasToString("[1.234568, \"i\", " + CanonicalJson.write("ls -la \"x\"\r") + "]\n");
    }

    private static String quoted(String text) {
        return CanonicalJson.appendEscaped(new StringBuilder("\""), text).append('"').toString();
    }
}
