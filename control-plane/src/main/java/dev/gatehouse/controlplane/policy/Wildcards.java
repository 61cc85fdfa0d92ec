package dev.gatehouse.controlplane.policy;

/** {@code *} matches any run of characters (none included); everything else matches itself, case-sensitively. */
final class Wildcards {

    private Wildcards() {}

    /** Like {@link #matches}, label by label: a {@code *} never spans a dot, so {@code local*} is not {@code local.evil.com}. */
    static boolean matchesWithinLabels(String pattern, String text) {
        String[] patternLabels = pattern.split("\\.", -1);
        String[] textLabels = text.split("\\.", -1);
        if (patternLabels.length != textLabels.length) {
            return false;
        }
        for (int i = 0; i < patternLabels.length; i++) {
            if (!matches(patternLabels[i], textLabels[i])) {
                return false;
            }
        }
        return true;
    }

    static boolean matches(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = t;
            } else if (p < pattern.length() && pattern.charAt(p) == text.charAt(t)) {
                p++;
                t++;
            } else if (star >= 0) {
                p = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
