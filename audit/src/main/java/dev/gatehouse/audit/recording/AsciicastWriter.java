package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.events.CanonicalJson;
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
    /** Output text not yet written, already escaped for a JSON string. */
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
        CanonicalJson.appendEscaped(pending, text);
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
                lineStart(out, pendingAt, "o").append('"').append(pending).append("\"]\n");
            }
            pending.setLength(0);
            pendingAt = -1;
        }
    }

    boolean hasPending() {
        return pendingAt >= 0;
    }

    static void line(StringBuilder out, long nanos, String code, String data) {
        CanonicalJson.appendEscaped(lineStart(out, nanos, code).append('"'), data).append("\"]\n");
    }

    /** {@code [seconds, "code", } — the caller writes the data and {@code ]\n}. */
    static StringBuilder lineStart(StringBuilder out, long nanos, String code) {
        return seconds(out.append('['), nanos).append(", \"").append(code).append("\", ");
    }

    /** {@code nanos} as seconds with six decimals, rounded half up, as {@code %.6f} gives them (no formatter). */
    static StringBuilder seconds(StringBuilder out, long nanos) {
        if (nanos < 0) {
            return out.append(String.format(Locale.ROOT, "%.6f", nanos / 1e9));
        }
        long micros = (nanos + 500) / 1000;
        String fraction = Long.toString(micros % 1_000_000);
        out.append(micros / 1_000_000).append('.');
        for (int pad = fraction.length(); pad < 6; pad++) {
            out.append('0');
        }
        return out.append(fraction);
    }

    /**
     * UTF-8 decoding across frames: an incomplete trailing sequence (at most 3 bytes) waits for the next frame; bytes
     * that are not UTF-8 become U+FFFD. The JDK's own string decoding does the work (its ASCII path is vectorised),
     * which matters for output that is megabytes a second.
     */
    static final class Utf8Stream {
        private final byte[] carry = new byte[3];
        private int carried;

        String decode(byte[] data) {
            byte[] bytes = data;
            int length = data.length;
            if (carried > 0) {
                bytes = new byte[carried + data.length];
                System.arraycopy(carry, 0, bytes, 0, carried);
                System.arraycopy(data, 0, bytes, carried, data.length);
                length = bytes.length;
                carried = 0;
            }
            int whole = length - incompleteTail(bytes, length);
            carried = length - whole;
            System.arraycopy(bytes, whole, carry, 0, carried);
            return new String(bytes, 0, whole, StandardCharsets.UTF_8);
        }

        /** Forgets a carried partial character (after frames that were not decoded). */
        void skip() {
            carried = 0;
        }

        /** How many bytes at the end start a multi-byte character that the next frame may complete. */
        static int incompleteTail(byte[] bytes, int length) {
            for (int back = 1; back <= 3 && back <= length; back++) {
                int b = bytes[length - back] & 0xff;
                if (b < 0x80) {
                    return 0; // ASCII: nothing pending
                }
                if (b >= 0xc0) { // a lead byte: does its sequence run past the end?
                    int needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
                    return needed > back ? back : 0;
                }
                // a continuation byte: look further back for its lead
            }
            return 0;
        }
    }
}
