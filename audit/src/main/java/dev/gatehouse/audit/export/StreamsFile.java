package dev.gatehouse.audit.export;

import dev.gatehouse.audit.recording.ChannelStream;
import dev.gatehouse.audit.recording.StreamsReader;
import java.io.ByteArrayOutputStream;

/** Reads one stream back out of a "gatehouse streams" recording, either version (see {@link StreamsReader}). */
final class StreamsFile {

    private StreamsFile() {
    }

    /** The bytes of {@code stream} in order; refused for a terminal's asciicast, whose output is text, not bytes. */
    static byte[] stream(String sessionId, byte[] recording, ChannelStream stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // The chunks' concatenation reads as one chunk: each ends at a frame's (or line's) end.
        new StreamsReader(sessionId, (micros, from, data, offset, length) -> {
            if (from == stream) {
                out.write(data, offset, length);
            }
        }).chunk(recording);
        return out.toByteArray();
    }
}
