package dev.gatehouse.audit.events;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Writes the canonical JSON of events without a JSON library, byte for byte what {@link CanonicalJson#MAPPER} writes
 * for the same values (strings escaped as Jackson escapes them, map keys in their sorted order), but several times
 * cheaper: every event is written once by the recorder and its details again by the store, at ingest rates.
 *
 * <p>Takes only what {@link CanonicalJson#normalise} leaves in details: null, booleans, {@code Integer}, {@code Long},
 * {@code BigInteger}, {@code BigDecimal}, strings, sorted maps with string keys and lists. Anything else goes to
 * Jackson, so the text is the same either way ({@code EventJsonTest} compares the two).
 */
final class EventJson {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private EventJson() {
    }

    /**
     * {@link java.time.format.DateTimeFormatter#ISO_INSTANT}'s text (fraction in groups of three digits, none when
     * zero), written directly for years 1000 to 9999 and by the formatter otherwise.
     */
    static String instant(java.time.Instant t) {
        java.time.LocalDateTime d = java.time.LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0,
                java.time.ZoneOffset.UTC);
        if (d.getYear() < 1000 || d.getYear() > 9999) {
            return java.time.format.DateTimeFormatter.ISO_INSTANT.format(t);
        }
        StringBuilder out = new StringBuilder(27).append(d.getYear());
        two(out.append('-'), d.getMonthValue());
        two(out.append('-'), d.getDayOfMonth());
        two(out.append('T'), d.getHour());
        two(out.append(':'), d.getMinute());
        two(out.append(':'), d.getSecond());
        int nano = t.getNano();
        if (nano > 0) {
            int digits = nano % 1_000_000 == 0 ? 3 : nano % 1000 == 0 ? 6 : 9;
            String nine = Integer.toString(1_000_000_000 + nano);
            out.append('.').append(nine, 1, 1 + digits);
        }
        return out.append('Z').toString();
    }

    private static void two(StringBuilder out, int v) {
        out.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    /** The JSON text of a normalised value (details). */
    static String write(Object value) {
        StringBuilder out = new StringBuilder(64);
        value(out, value);
        return out.toString();
    }

    /** The JSON array of the event's fields with {@code detailsJson} appended verbatim as its last element. */
    static String event(String[] fields, String detailsJson) {
        StringBuilder out = new StringBuilder(128 + detailsJson.length());
        out.append('[');
        for (String field : fields) {
            string(out, field);
            out.append(',');
        }
        return out.append(detailsJson).append(']').toString();
    }

    private static void value(StringBuilder out, Object v) {
        switch (v) {
            case null -> out.append("null");
            case String s -> string(out, s);
            case Boolean b -> out.append(b.booleanValue());
            case Integer i -> out.append(i.intValue());
            case Long l -> out.append(l.longValue());
            case BigInteger b -> out.append(b);
            case BigDecimal d -> out.append(d);
            case Map<?, ?> m when sortedStringKeys(m) -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    string(out, (String) e.getKey());
                    out.append(':');
                    value(out, e.getValue());
                }
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    value(out, list.get(i));
                }
                out.append(']');
            }
            default -> out.append(CanonicalJson.write(v));
        }
    }

    /** Jackson sorts map entries by key; a map already in that order is written as it iterates. */
    private static boolean sortedStringKeys(Map<?, ?> m) {
        String previous = null;
        for (Object k : m.keySet()) {
            if (!(k instanceof String key) || (previous != null && previous.compareTo(key) >= 0)) {
                return false;
            }
            previous = key;
        }
        return true;
    }

    /** A JSON string as Jackson writes it: {@code "} and {@code \} escaped, control characters escaped, the rest as is. */
    private static void string(StringBuilder out, String s) {
        if (s == null) {
            out.append("null");
            return;
        }
        escaped(out.append('"'), s).append('"');
    }

    /** The inside of {@link #string}: {@code s} escaped, without the quotes. */
    static StringBuilder escaped(StringBuilder out, String s) {
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(s, from, i);
            from = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.append(s, from, s.length());
    }
}
