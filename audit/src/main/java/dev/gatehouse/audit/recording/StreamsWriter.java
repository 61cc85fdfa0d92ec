package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.events.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a channel without a terminal into a binary "gatehouse streams" recording (version 2, see {@link StreamsReader}
 * and the module README): a JSON header line with {@code "streams": 2}, then one frame per piece of data as it passed,
 * the bytes as they were (a byte on disk per byte relayed, plus a few of frame header), so the three streams stay apart
 * and come back byte-exact. The text of each stream is decoded for search only. The chunk being filled is kept here.
 */
final class StreamsWriter {

    private final AsciicastWriter.Utf8Stream[] text = new AsciicastWriter.Utf8Stream[ChannelStream.values().length];
    private byte[] chunk = new byte[8192];
    private int size;
    private long lastMicros;

    StreamsWriter() {
        for (int i = 0; i < text.length; i++) {
            text[i] = new AsciicastWriter.Utf8Stream();
        }
    }

    /** Starts the first chunk with the header line. */
    void header(SessionStart s) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("version", 2);
        h.put("streams", StreamsReader.BINARY);
        h.put("width", 80);
        h.put("height", 24);
        h.put("timestamp", s.startedAt().getEpochSecond());
        h.put("title", s.user() + " " + (s.login() == null ? "" : s.login() + "@") + (s.host() == null ? "" : s.host()));
        h.put("command", s.command());
        byte[] line = (CanonicalJson.write(h) + "\n").getBytes(StandardCharsets.UTF_8);
        append(line, 0, line.length);
    }

    /**
     * Writes one frame of a stream; returns its text for search when {@code wantText}, else "" (decoding is most of
     * the cost of a fast binary transfer, and search keeps only so much text a chunk).
     */
    String data(long nanos, ChannelStream stream, byte[] data, boolean wantText) {
        frame(nanos, stream.ordinal(), data);
        if (!wantText) {
            text[stream.ordinal()].skip();
            return "";
        }
        return text[stream.ordinal()].decode(data);
    }

    void marker(long nanos, String label) {
        frame(nanos, StreamsReader.MARKER, label.getBytes(StandardCharsets.UTF_8));
    }

    /** Bytes in the chunk being filled. */
    int size() {
        return size;
    }

    /** The chunk's bytes; the next chunk starts empty. */
    byte[] take() {
        byte[] content = Arrays.copyOf(chunk, size);
        size = 0;
        return content;
    }

    private void frame(long nanos, int kind, byte[] data) {
        // Frames of different streams are timed on different threads; the file's times never go back.
        lastMicros = Math.max(lastMicros, nanos / 1000);
        ensure(1 + 10 + 5 + data.length);
        chunk[size++] = (byte) kind;
        varint(lastMicros);
        varint(data.length);
        append(data, 0, data.length);
    }

    private void varint(long value) {
        long v = value;
        while ((v & ~0x7fL) != 0) {
            chunk[size++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        chunk[size++] = (byte) v;
    }

    private void append(byte[] data, int offset, int length) {
        ensure(length);
        System.arraycopy(data, offset, chunk, size, length);
        size += length;
    }

    private void ensure(int more) {
        if (size + more > chunk.length) {
            chunk = Arrays.copyOf(chunk, Math.max(chunk.length * 2, size + more));
        }
    }
}
