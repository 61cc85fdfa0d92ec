package dev.gatehouse.audit.recording;

import java.util.function.Consumer;

/**
 * The line a person typed, read from their keystrokes with line editing applied as far as keys alone tell it:
 * printable text, backspace, delete, cursor moves, Home/End, Ctrl-A/E/B/F/U/K/W/C, bracketed paste. Keys whose effect
 * only the program knows (Tab completion, history, search, yank, other escape keys) mark the line uncertain; it is
 * then compared with the screen rather than trusted alone. Nothing the target prints reaches this reading.
 */
final class TypedLine {

    /** A line ended by Enter; {@code certain} is false when a key's effect could not be known from the keys alone. */
    record Entered(String line, boolean certain, long nanos) {
    }

    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_ESCAPE = 16;

    private final StringBuilder line = new StringBuilder();
    private final StringBuilder escape = new StringBuilder();
    private final Consumer<Entered> entered;
    private int cursor;
    private boolean certain = true;
    private Key state = Key.TEXT;
    private int utf8Pending;
    private int utf8CodePoint;

    private enum Key { TEXT, ESC, CSI }

    TypedLine(Consumer<Entered> entered) {
        this.entered = entered;
    }

    void keys(byte[] data, long nanos) {
        for (byte b : data) {
            key(b & 0xff, nanos);
        }
    }

    private void key(int b, long nanos) {
        switch (state) {
            case ESC -> {
                if (b == '[' || b == 'O') {
                    state = Key.CSI;
                    escape.setLength(0);
                } else {
                    certain = false; // Alt-b, Alt-f, Alt-d…: word motions only the line editor knows
                    state = Key.TEXT;
                }
                return;
            }
            case CSI -> {
                if (b >= 0x40 && b <= 0x7e) {
                    csi((char) b);
                    state = Key.TEXT;
                } else if (escape.length() < MAX_ESCAPE) {
                    escape.append((char) b);
                }
                return;
            }
            case TEXT -> {
                // below
            }
        }
        if (b >= 0x80) {
            utf8(b);
            return;
        }
        utf8Pending = 0;
        switch (b) {
            case '\r', '\n' -> enter(nanos);
            case 0x1b -> state = Key.ESC;
            case 0x7f, 0x08 -> backspace();
            case 0x01 -> cursor = 0;
            case 0x05 -> cursor = line.length();
            case 0x02 -> cursor = Math.max(0, cursor - 1);
            case 0x06 -> cursor = Math.min(line.length(), cursor + 1);
            case 0x04 -> deleteAtCursor();
            case 0x0b -> line.setLength(cursor);
            case 0x15 -> {
                line.delete(0, cursor);
                cursor = 0;
            }
            case 0x17 -> wordRubout();
            case 0x03 -> clear(); // Ctrl-C: the line is abandoned
            default -> {
                if (b >= 0x20) {
                    insert(Character.toString(b));
                } else {
                    certain = false; // Tab, Ctrl-R, Ctrl-P/N, Ctrl-Y, Ctrl-T…
                }
            }
        }
    }

    private void csi(char fin) {
        String params = escape.toString();
        switch (fin) {
            case 'C' -> cursor = Math.min(line.length(), cursor + 1);
            case 'D' -> cursor = Math.max(0, cursor - 1);
            case 'H' -> cursor = 0;
            case 'F' -> cursor = line.length();
            case '~' -> {
                switch (params) {
                    case "1", "7" -> cursor = 0;
                    case "4", "8" -> cursor = line.length();
                    case "3" -> deleteAtCursor();
                    case "200", "201" -> {
                        // bracketed paste: the text between the marks is typed text
                    }
                    default -> certain = false;
                }
            }
            default -> certain = false; // Up/Down (history) and keys with modifiers
        }
    }

    private void utf8(int b) {
        if ((b & 0xc0) == 0x80) {
            if (utf8Pending > 0) {
                utf8CodePoint = (utf8CodePoint << 6) | (b & 0x3f);
                if (--utf8Pending == 0 && Character.isValidCodePoint(utf8CodePoint)) {
                    insert(Character.toString(utf8CodePoint));
                }
            }
            return;
        }
        utf8Pending = (b & 0xe0) == 0xc0 ? 1 : (b & 0xf0) == 0xe0 ? 2 : (b & 0xf8) == 0xf0 ? 3 : 0;
        utf8CodePoint = b & (0x3f >> utf8Pending);
    }

    private void insert(String text) {
        if (line.length() + text.length() > MAX_LINE) {
            return;
        }
        line.insert(cursor, text);
        cursor += text.length();
    }

    private void backspace() {
        if (cursor > 0) {
            int from = line.offsetByCodePoints(cursor, -1);
            line.delete(from, cursor);
            cursor = from;
        }
    }

    private void deleteAtCursor() {
        if (cursor < line.length()) {
            line.delete(cursor, line.offsetByCodePoints(cursor, 1));
        }
    }

    private void wordRubout() {
        int from = cursor;
        while (from > 0 && line.charAt(from - 1) == ' ') {
            from--;
        }
        while (from > 0 && line.charAt(from - 1) != ' ') {
            from--;
        }
        line.delete(from, cursor);
        cursor = from;
    }

    private void enter(long nanos) {
        String text = line.toString().strip();
        if (!text.isEmpty() || !certain) {
            entered.accept(new Entered(text, certain, nanos));
        }
        clear();
    }

    private void clear() {
        line.setLength(0);
        cursor = 0;
        certain = true;
    }
}
