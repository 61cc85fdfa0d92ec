package dev.gatehouse.audit.events;

/** Makes text storable in PostgreSQL unchanged: no NUL, no unpaired surrogates (both would not round-trip). */
final class Text {

    private Text() {
    }

    static String cleanNullable(String s) {
        return s == null ? null : clean(s);
    }

    static String clean(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad;
            if (Character.isHighSurrogate(c)) {
                bad = i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
                if (!bad) {
                    if (out != null) {
                        out.append(c).append(s.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
            } else {
                bad = c == 0 || Character.isLowSurrogate(c);
            }
            if (bad && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                out.append(bad ? '\uFFFD' : c);
            }
        }
        return out == null ? s : out.toString();
    }
}
