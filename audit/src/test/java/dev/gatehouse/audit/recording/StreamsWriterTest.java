package dev.gatehouse.audit.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamsWriterTest {

    @Test
    void framesComeBackWithTheirStreamTimeAndBytesAcrossChunks() {
        StreamsWriter w = new StreamsWriter();
        w.header(new SessionStart("x", "alice", "root", "web-01", "direct", null, SessionKind.EXEC, null, 0, 0,
                Instant.EPOCH, "bash -s"));
        byte[] big = new byte[300_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        w.data(1_500_000, ChannelStream.STDIN, "id\n".getBytes(StandardCharsets.UTF_8), true);
        byte[] first = w.take();
        w.data(3_000_000_000L, ChannelStream.STDOUT, big, false);
        w.marker(2_000_000_000L, "gatehouse: a marker"); // an earlier time: the file's times never go back
        w.data(4_000_000_000L, ChannelStream.STDERR, new byte[0], true);
        byte[] second = w.take();

        List<String> seen = new ArrayList<>();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        StreamsReader reader = new StreamsReader("x", new StreamsReader.Visitor() {
            @Override
            public void header(Map<String, Object> header) {
                seen.add("header " + header.get("streams") + " " + header.get("command"));
            }

            @Override
            public void data(long micros, ChannelStream stream, byte[] data, int offset, int length) {
                seen.add(micros + " " + stream.wireName() + " " + length);
                if (stream == ChannelStream.STDOUT) {
                    stdout.write(data, offset, length);
                }
            }

            @Override
            public void marker(long micros, String label) {
                seen.add(micros + " m " + label);
            }
        });
        reader.chunk(first);
        reader.chunk(second);
        assertThat(seen).containsExactly("header 2 bash -s", "1500 stdin 3", "3000000 stdout 300000",
                "3000000 m gatehouse: a marker", "4000000 stderr 0");
        assertThat(stdout.toByteArray()).isEqualTo(big);
        assertThat(reader.version()).isEqualTo(StreamsReader.BINARY);
        // A byte per byte: the frame header of 300,000 bytes at 3 s is 1 + 4 + 3 bytes.
        assertThat(second.length).isEqualTo(1 + 4 + 3 + big.length + 1 + 4 + 1 + 19 + 1 + 4 + 1);
    }
}
