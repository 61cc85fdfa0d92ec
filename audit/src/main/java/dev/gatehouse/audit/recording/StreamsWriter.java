package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.events.CanonicalJson;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a channel without a terminal into "gatehouse streams" lines: a header like asciicast v2's (with
 * {@code "streams": 1}), then one {@code [seconds, "stdin"|"stdout"|"stderr", "<base64>"]} line per frame, so the
 * three streams stay apart and come back byte-exact (scp and rsync are binary), and {@code [seconds, "m", "text"]}
 * markers. The text of each stream is decoded for search only.
 */
final class StreamsWriter {

    private final AsciicastWriter.Utf8Stream[] text = new AsciicastWriter.Utf8Stream[ChannelStream.values().length];
    private long lastNanos;

    StreamsWriter() {
        for (int i = 0; i < text.length; i++) {
            text[i] = new AsciicastWriter.Utf8Stream();
        }
    }

    static String header(SessionStart s) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("version", 2);
        h.put("streams", 1);
        h.put("width", 80);
        h.put("height", 24);
        h.put("timestamp", s.startedAt().getEpochSecond());
        h.put("title", s.user() + " " + (s.login() == null ? "" : s.login() + "@") + (s.host() == null ? "" : s.host()));
        h.put("command", s.command());
        return CanonicalJson.write(h) + "\n";
    }

    /**
     * Writes one frame of a stream; returns its text for search when {@code wantText}, else "" (decoding is most of
     * the cost of a fast binary transfer, and search keeps only so much text a chunk).
     */
    String data(long nanos, ChannelStream stream, byte[] data, StringBuilder out, boolean wantText) {
        lastNanos = Math.max(lastNanos, nanos);
        // Base64 needs no JSON escaping: the line is written as it is.
        AsciicastWriter.lineStart(out, lastNanos, stream.wireName()).append('"')
                .append(Base64.getEncoder().encodeToString(data)).append("\"]\n");
        if (!wantText) {
            text[stream.ordinal()].skip();
            return "";
        }
        return text[stream.ordinal()].decode(data);
    }

    void marker(long nanos, String label, StringBuilder out) {
        line(out, nanos, "m", label);
    }

    private void line(StringBuilder out, long nanos, String code, String data) {
        // Frames of different streams are timed on different threads; the file's times never go back.
        lastNanos = Math.max(lastNanos, nanos);
        AsciicastWriter.line(out, lastNanos, code, data);
    }
}
