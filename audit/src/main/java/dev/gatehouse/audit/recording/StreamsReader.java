package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.events.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Reads a "gatehouse streams" recording (a channel without a terminal) chunk by chunk, in either of its versions: the
 * first chunk starts with a JSON header line whose {@code "streams"} says which. Version 1 ({@link #LINES}, written
 * until 2026-12) is JSON lines {@code [seconds, "stdin"|"stdout"|"stderr", "<base64>"]} and {@code [seconds, "m",
 * "text"]}; version 2 ({@link #BINARY}) is binary frames: a kind byte (0 stdin, 1 stdout, 2 stderr, 3 marker as UTF-8),
 * the time since the session's start in microseconds and the payload's length (both unsigned LEB128 varints), then the
 * payload. A chunk holds whole frames or lines, so each chunk reads on its own once the header is known.
 */
public final class StreamsReader {

    /** The header's {@code "streams"} of the JSON-lines version. */
    public static final int LINES = 1;
    /** The header's {@code "streams"} of the binary version. */
    public static final int BINARY = 2;
    static final int MARKER = 3;

    /** What a recording holds, frame by frame. */
    public interface Visitor {
        /** The header, once, before any frame. */
        default void header(Map<String, Object> header) {
        }

        /** Bytes of a stream; {@code data} is only valid during the call. */
        void data(long micros, ChannelStream stream, byte[] data, int offset, int length);

        default void marker(long micros, String label) {
        }
    }

    private final String sessionId;
    private final Visitor visitor;
    private int version;

    public StreamsReader(String sessionId, Visitor visitor) {
        this.sessionId = sessionId;
        this.visitor = visitor;
    }

    /**
     * The version of a recording whose first chunk is {@code first}: {@link #LINES}, {@link #BINARY}, or 0 when it is
     * not a streams recording (a terminal's asciicast).
     */
    public static int version(byte[] first) {
        int end = lineEnd(first);
        if (end < 0 || first.length == 0 || first[0] != '{') {
            return 0;
        }
        try {
            Object streams = CanonicalJson.readObject(new String(first, 0, end, StandardCharsets.UTF_8)).get("streams");
            return streams instanceof Number n && (n.intValue() == LINES || n.intValue() == BINARY) ? n.intValue() : 0;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The version read from the first chunk (0 before it). */
    public int version() {
        return version;
    }

    /** Reads the next chunk (the first carries the header); a chunk that is not a streams recording is refused. */
    public void chunk(byte[] chunk) {
        int at = 0;
        if (version == 0) {
            version = version(chunk);
            if (version == 0) {
                throw new IllegalArgumentException("session " + sessionId + " was recorded on a terminal: its output"
                        + " is the asciicast, not separate streams");
            }
            int end = lineEnd(chunk);
            visitor.header(CanonicalJson.readObject(new String(chunk, 0, end, StandardCharsets.UTF_8)));
            at = end + 1;
        }
        if (version == BINARY) {
            frames(chunk, at);
        } else {
            lines(new String(chunk, at, chunk.length - at, StandardCharsets.UTF_8));
        }
    }

    private void frames(byte[] chunk, int from) {
        int[] at = {from};
        while (at[0] < chunk.length) {
            int start = at[0];
            int kind = chunk[at[0]++];
            long micros = varint(chunk, at);
            long length = varint(chunk, at);
            if (kind < 0 || kind > MARKER || length > chunk.length - at[0]) {
                throw corrupt("the frame at byte " + start + " of its chunk runs past the chunk's end or has an"
                        + " unknown kind");
            }
            int n = (int) length;
            if (kind == MARKER) {
                visitor.marker(micros, new String(chunk, at[0], n, StandardCharsets.UTF_8));
            } else {
                visitor.data(micros, ChannelStream.values()[kind], chunk, at[0], n);
            }
            at[0] += n;
        }
    }

    private long varint(byte[] chunk, int[] at) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at[0] >= chunk.length) {
                throw corrupt("a frame header is cut off");
            }
            byte b = chunk[at[0]++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw corrupt("a varint is longer than 64 bits");
    }

    private void lines(String text) {
        for (String line : text.lines().toList()) {
            if (line.isBlank()) {
                continue;
            }
            List<Object> event = CanonicalJson.readList(line);
            long micros = Math.round(((Number) event.get(0)).doubleValue() * 1e6);
            String code = String.valueOf(event.get(1));
            if ("m".equals(code)) {
                visitor.marker(micros, String.valueOf(event.get(2)));
            } else {
                ChannelStream stream = ChannelStream.ofWireName(code).orElseThrow(() -> corrupt("unknown line " + code));
                byte[] data = Base64.getDecoder().decode((String) event.get(2));
                visitor.data(micros, stream, data, 0, data.length);
            }
        }
    }

    private IllegalArgumentException corrupt(String what) {
        return new IllegalArgumentException("the streams recording of session " + sessionId + " is corrupt: " + what);
    }

    private static int lineEnd(byte[] chunk) {
        for (int i = 0; i < chunk.length; i++) {
            if (chunk[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
