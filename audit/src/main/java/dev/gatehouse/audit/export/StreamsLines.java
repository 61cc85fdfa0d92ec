package dev.gatehouse.audit.export;

import dev.gatehouse.audit.events.CanonicalJson;
import dev.gatehouse.audit.recording.ChannelStream;
import dev.gatehouse.audit.recording.StreamsReader;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A binary streams recording (version 2) as the JSON lines of version 1, chunk by chunk, for playback: the console
 * reads one form whichever the recorder wrote. The evidence (chunks and their hashes) stays as stored.
 */
final class StreamsLines implements StreamsReader.Visitor {

    private final StreamsReader reader;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    StreamsLines(String sessionId) {
        this.reader = new StreamsReader(sessionId, this);
    }

    /** The lines of one chunk (the first with the header line). */
    byte[] chunk(byte[] chunk) {
        out.reset();
        reader.chunk(chunk);
        return out.toByteArray();
    }

    @Override
    public void header(Map<String, Object> header) {
        Map<String, Object> h = new LinkedHashMap<>(header);
        h.put("streams", StreamsReader.LINES);
        write(CanonicalJson.write(h) + "\n");
    }

    @Override
    public void data(long micros, ChannelStream stream, byte[] data, int offset, int length) {
        String base64 = Base64.getEncoder().encodeToString(Arrays.copyOfRange(data, offset, offset + length));
        write(start(micros, stream.wireName()) + '"' + base64 + "\"]\n");
    }

    @Override
    public void marker(long micros, String label) {
        write(start(micros, "m") + CanonicalJson.write(label) + "]\n");
    }

    private static String start(long micros, String code) {
        return String.format(Locale.ROOT, "[%d.%06d, \"%s\", ", micros / 1_000_000, micros % 1_000_000, code);
    }

    private void write(String line) {
        out.writeBytes(line.getBytes(StandardCharsets.UTF_8));
    }
}
