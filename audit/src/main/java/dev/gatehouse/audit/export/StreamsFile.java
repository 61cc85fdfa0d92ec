package dev.gatehouse.audit.export;

import dev.gatehouse.audit.events.CanonicalJson;
import dev.gatehouse.audit.recording.ChannelStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Reads one stream back out of a recording in the "gatehouse streams" format (see the module README). */
final class StreamsFile {

    private StreamsFile() {
    }

    /** The bytes of {@code stream} in order; refused for a terminal's asciicast, whose output is text, not bytes. */
    static byte[] stream(String sessionId, byte[] recording, ChannelStream stream) {
        List<String> lines = new String(recording, StandardCharsets.UTF_8).lines().toList();
        Map<String, Object> header = lines.isEmpty() ? Map.of() : CanonicalJson.readObject(lines.getFirst());
        if (!Integer.valueOf(1).equals(header.get("streams"))) {
            throw new IllegalArgumentException("session " + sessionId + " was recorded on a terminal: its output is"
                    + " the asciicast, not separate streams");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : lines.subList(1, lines.size())) {
            List<Object> event = CanonicalJson.readList(line);
            if (stream.wireName().equals(event.get(1))) {
                out.writeBytes(Base64.getDecoder().decode((String) event.get(2)));
            }
        }
        return out.toByteArray();
    }
}
