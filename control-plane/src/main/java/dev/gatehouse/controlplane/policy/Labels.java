package dev.gatehouse.controlplane.policy;

import dev.gatehouse.controlplane.api.ApiException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Host labels and the label selectors roles use to pick hosts. A selector matches a host when every key is present
 * with a matching value; values may hold {@code *} wildcards; {@code {"*": "*"}} matches every host; an empty
 * selector matches none (deny by default).
 */
public final class Labels {

    static final int MAX_LABELS = 32;
    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9._/-]{0,62}");
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9._-]{1,63}");
    private static final Pattern SELECTOR_VALUE = Pattern.compile("[A-Za-z0-9._*-]{1,63}");
    private static final String KEY_MESSAGE = "label keys must be 1 to 63 characters of a-z, 0-9, '.', '_', '/', '-'";

    private Labels() {}

    /** Refuses a host's labels unless every key and value has the label syntax; {@code field} names them in errors. */
    public static void requireValidLabels(String field, Map<String, String> labels) {
        requireSize(field, labels);
        labels.forEach((key, value) -> {
            if (key == null || !KEY.matcher(key).matches()) {
                throw ApiException.invalid(field, KEY_MESSAGE + ", found '" + printable(key) + "'");
            }
            if (value == null || !VALUE.matcher(value).matches()) {
                throw ApiException.invalid(field + "." + key,
                        "label values must be 1 to 63 characters of A-Z, a-z, 0-9, '.', '_', '-'");
            }
        });
    }

    /** Refuses a selector unless every key is a label key (or {@code *} with value {@code *}) and values are patterns. */
    public static void requireValidSelector(String field, Map<String, String> selector) {
        requireSize(field, selector);
        selector.forEach((key, value) -> {
            if ("*".equals(key)) {
                if (!"*".equals(value)) {
                    throw ApiException.invalid(field + ".*", "the '*' key selects every host and takes only the value '*'");
                }
                return;
            }
            if (key == null || !KEY.matcher(key).matches()) {
                throw ApiException.invalid(field, KEY_MESSAGE + " (or '*'), found '" + printable(key) + "'");
            }
            if (value == null || !SELECTOR_VALUE.matcher(value).matches()) {
                throw ApiException.invalid(field + "." + key,
                        "selector values must be 1 to 63 characters of A-Z, a-z, 0-9, '.', '_', '-', '*' (wildcard)");
            }
        });
    }

    /** Whether {@code selector} picks a host labelled {@code labels}. */
    public static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        if (selector.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, String> term : selector.entrySet()) {
            if ("*".equals(term.getKey())) {
                continue;
            }
            String value = labels.get(term.getKey());
            if (value == null || !Wildcards.matches(term.getValue(), value)) {
                return false;
            }
        }
        return true;
    }

    private static void requireSize(String field, Map<String, String> labels) {
        if (labels.size() > MAX_LABELS) {
            throw ApiException.invalid(field, "at most " + MAX_LABELS + " entries");
        }
    }

    private static String printable(String text) {
        if (text == null) {
            return "null";
        }
        String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
