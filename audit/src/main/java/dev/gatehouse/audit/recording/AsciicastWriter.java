package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.events.CanonicalJson;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns one session's frames into asciicast v2 lines. Output frames that follow each other within
 * {@link #COALESCE_NANOS} are merged into one {@code o} event; bytes that are not valid UTF-8 become U+FFFD (asciicast
 * is JSON text), and a multi-byte character split across frames is kept whole.
 */
final class AsciicastWriter {

    static final long COALESCE_NANOS = 10_000_000L;
    private static final int MAX_PENDING = 64 * 1024;

    private final Utf8Stream output = new Utf8Stream();
    private final Utf8Stream input = new Utf8Stream();
    private final StringBuilder pending = new StringBuilder();
    private long pendingAt = -1;
    private long pendingLast;

    static String header(SessionStart s) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("version", 2);
        h.put("width", s.cols() > 0 ? s.cols() : 80);
        h.put("height", s.rows() > 0 ? s.rows() : 24);
        h.put("timestamp", s.startedAt().getEpochSecond());
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("TERM", s.term() == null ? "dumb" : s.term());
        env.put("SHELL", "/bin/sh");
        h.put("env", env);
        h.put("title", s.user() + " " + (s.login() == null ? "" : s.login() + "@") + (s.host() == null ? "" : s.host()));
        return CanonicalJson.write(h) + "\n";
    }

    /** Decodes output bytes; returns the text (for search and command extraction) and keeps it pending. */
    String output(long nanos, byte[] data, StringBuilder out) {
        String text = output.decode(data);
        if (pendingAt >= 0 && (nanos - pendingLast > COALESCE_NANOS || pending.length() > MAX_PENDING)) {
            flush(out);
        }
        if (pendingAt < 0) {
            pendingAt = nanos;
        }
        pendingLast = nanos;
        pending.append(text);
        return text;
    }

    void input(long nanos, byte[] data, StringBuilder out) {
        flush(out);
        line(out, nanos, "i", input.decode(data));
    }

    void resize(long nanos, int cols, int rows, StringBuilder out) {
        flush(out);
        line(out, nanos, "r", cols + "x" + rows);
    }

    void marker(long nanos, String label, StringBuilder out) {
        flush(out);
        line(out, nanos, "m", label);
    }

    /** Writes the pending output event, if any. */
    void flush(StringBuilder out) {
        if (pendingAt >= 0) {
            if (!pending.isEmpty()) {
                line(out, pendingAt, "o", pending.toString());
            }
            pending.setLength(0);
            pendingAt = -1;
        }
    }

    boolean hasPending() {
        return pendingAt >= 0;
    }

    static void line(StringBuilder out, long nanos, String code, String data) {
        out.append('[').append(String.format(Locale.ROOT, "%.6f", nanos / 1e9)).append(", \"").append(code)
                .append("\", ").append(CanonicalJson.write(data)).append("]\n");
    }

    /** UTF-8 decoding across frames: an incomplete trailing sequence waits for the next frame. */
    static final class Utf8Stream {
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        private byte[] carry = new byte[0];

        String decode(byte[] data) {
            ByteBuffer in = ByteBuffer.allocate(carry.length + data.length).put(carry).put(data).flip();
            CharBuffer chars = CharBuffer.allocate(in.remaining() + 1);
            decoder.decode(in, chars, false);
            carry = new byte[in.remaining()];
            in.get(carry);
            return chars.flip().toString();
        }
    }
}
