package dev.gatehouse.audit.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AsciicastWriterTest {

    @Test
    void invalidUtf8AndRawBinaryBecomeReplacementCharactersInValidJson() {
        AsciicastWriter w = new AsciicastWriter();
        StringBuilder out = new StringBuilder();
        w.output(1_000_000, new byte[] {'a', (byte) 0xff, 0, (byte) 0xc3}, out);
        w.output(2_000_000, new byte[] {(byte) 0xa9, 'b'}, out); // completes the é split across frames
        w.flush(out);
        List<Object> event = tools.jackson.databind.json.JsonMapper.builder().build().readValue(out.toString().strip(), List.class);
        assertThat(event.get(1)).isEqualTo("o");
        assertThat(event.get(2)).isEqualTo("a\uFFFD\u0000\u00e9b");
    }

    @Test
    void framesFartherApartThanTheCoalescingWindowAreSeparateEventsWithTheirOffsets() {
        AsciicastWriter w = new AsciicastWriter();
        StringBuilder out = new StringBuilder();
        w.output(500_000_000L, "one".getBytes(), out);
        w.output(1_500_000_000L, "two".getBytes(), out);
        w.flush(out);
        assertThat(out.toString()).isEqualTo("[0.500000, \"o\", \"one\"]\n[1.500000, \"o\", \"two\"]\n");
    }

    @Test
    void aCharacterSplitAtAnyByteAcrossTwoFramesIsDecodedWhole() {
        String text = "a\u00e9\u20ac\uD83D\uDE00z"; // 1, 2, 3 and 4 bytes in UTF-8
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) {
            AsciicastWriter.Utf8Stream stream = new AsciicastWriter.Utf8Stream();
            String decoded = stream.decode(java.util.Arrays.copyOfRange(bytes, 0, cut))
                    + stream.decode(java.util.Arrays.copyOfRange(bytes, cut, bytes.length));
            assertThat(decoded).as("cut after byte %d", cut).isEqualTo(text);
        }
    }

    @Test
    void bytesThatAreNotUtf8BecomeReplacementCharactersAndDoNotSwallowTheNextFrame() {
        AsciicastWriter.Utf8Stream stream = new AsciicastWriter.Utf8Stream();
        assertThat(stream.decode(new byte[] {'x', (byte) 0x80, (byte) 0x80, (byte) 0x80})).isEqualTo("x\uFFFD\uFFFD\uFFFD");
        assertThat(stream.decode(new byte[] {(byte) 0xe2, (byte) 0x82})).isEmpty(); // waits for its last byte
        assertThat(stream.decode(new byte[] {'y'})).isEqualTo("\uFFFDy"); // it never came
    }
}
