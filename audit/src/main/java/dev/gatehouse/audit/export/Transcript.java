package dev.gatehouse.audit.export;

import dev.gatehouse.audit.events.CanonicalJson;
import java.util.List;

/**
 * A plain-text transcript of an asciicast: the output events' text with terminal escape sequences removed, carriage
 * returns dropped before newlines, backspaces applied. Good for reading and grepping, not for replay.
 */
final class Transcript {

    private Transcript() {
    }

    static String of(byte[] cast) {
        StringBuilder text = new StringBuilder();
        String all = new String(cast, java.nio.charset.StandardCharsets.UTF_8);
        all.lines().skip(1).forEach(line -> {
            try {
                List<?> event = CanonicalJson.readList(line);
                if (event.size() == 3 && "o".equals(event.get(1))) {
                    text.append(event.get(2));
                } else if (event.size() == 3 && "m".equals(event.get(1))) {
                    text.append("\n[").append(event.get(2)).append("]\n");
                }
            } catch (RuntimeException e) {
                text.append("\n[unreadable recording line]\n");
            }
        });
        return plain(text);
    }

    private static String plain(CharSequence s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == 27 && i + 1 < s.length()) {
                i = skipEscape(s, i + 1);
                continue;
            }
            if (c == '\b') {
                if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') {
                    out.setLength(out.length() - 1);
                }
            } else if (c == '\r') {
                if (i + 1 < s.length() && s.charAt(i + 1) != '\n') {
                    out.append('\n');
                }
            } else if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f)) {
                out.append(c);
            }
            i++;
        }
        return out.toString();
    }

    /** Returns the index after the escape sequence starting at {@code i} (the char after ESC). */
    private static int skipEscape(CharSequence s, int i) {
        char kind = s.charAt(i);
        if (kind == '[') {
            int j = i + 1;
            while (j < s.length() && (s.charAt(j) < 0x40 || s.charAt(j) > 0x7e)) {
                j++;
            }
            return j + 1;
        }
        if (kind == ']') {
            int j = i + 1;
            while (j < s.length() && s.charAt(j) != 7 && !(s.charAt(j) == 27 && j + 1 < s.length()
                    && s.charAt(j + 1) == '\\')) {
                j++;
            }
            return j < s.length() && s.charAt(j) == 27 ? j + 2 : j + 1;
        }
        return i + 1;
    }
}
