package dev.gatehouse.audit.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.audit.recording.ChannelStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Recordings of the first streams version (JSON lines, base64) still export byte-exact. The fixture was written by
 * the recorder as it was before the binary version (commit 9772c17): {@code bash -s} fed a script in two pieces,
 * "outputword", 70,000 bytes of every value, a line on stderr; sealed into 4 KiB chunks.
 */
class StreamsFileTest {

    static final byte[] SCRIPT = "echo scriptedword\nrm -rf /tmp/evidence\n".getBytes(StandardCharsets.UTF_8);
    static final byte[] ERRORS = "bash: warning: stderrword\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void aRecordingOfTheLinesVersionGivesBackEachStreamByteExact() throws Exception {
        byte[] recording = legacy();
        byte[] binary = new byte[70_000];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 31 + (i >> 8));
        }
        byte[] stdout = new byte[11 + binary.length];
        System.arraycopy("outputword\n".getBytes(StandardCharsets.UTF_8), 0, stdout, 0, 11);
        System.arraycopy(binary, 0, stdout, 11, binary.length);
        assertThat(StreamsFile.stream("legacy-1", recording, ChannelStream.STDIN)).isEqualTo(SCRIPT);
        assertThat(StreamsFile.stream("legacy-1", recording, ChannelStream.STDOUT)).isEqualTo(stdout);
        assertThat(StreamsFile.stream("legacy-1", recording, ChannelStream.STDERR)).isEqualTo(ERRORS);
    }

    @Test
    void aTerminalsAsciicastIsRefused() {
        byte[] cast = "{\"version\":2,\"width\":80,\"height\":24}\n[0.1, \"o\", \"$ \"]\n"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> StreamsFile.stream("pty-1", cast, ChannelStream.STDOUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("terminal");
    }

    @Test
    void aBinaryRecordingCutInsideAFrameIsRefusedAsCorrupt() {
        byte[] cut = "{\"streams\":2,\"version\":2}\n\u0001\u0005\u0010abc".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> StreamsFile.stream("bin-1", cut, ChannelStream.STDOUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("corrupt");
    }

    static byte[] legacy() throws Exception {
        try (InputStream in = StreamsFileTest.class.getResourceAsStream("/recordings/streams-v1.cast")) {
            return in.readAllBytes();
        }
    }
}
