package dev.gatehouse.audit.recording;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the command lines of a shell session from what the gateway sees, without keeping keystrokes.
 *
 * <p>It follows the terminal's current line as the output draws it (cursor moves, erases, backspaces), so tab
 * completion, history and line editing are seen as the user saw them. With OSC 133 marks, the command is the text
 * between the end-of-prompt mark ({@code 133;B}) and the command-executed mark ({@code 133;C}). Without them, the
 * prompt ends where the cursor was when the user started typing, and the command is what was echoed after it when the
 * terminal moves to a new line after Enter. Input that the terminal did not echo (a password) never appears in the
 * line, so it is never stored. Full-screen programs (alternate screen) are ignored.
 */
final class CommandExtractor {

    /** A command and the monotonic time it was entered. */
    record Found(String line, long nanos, String source) {
    }

    private static final int MAX_LINE = 16 * 1024;

    private final StringBuilder line = new StringBuilder();
    private int cursor;
    private int promptEnd = -1;
    private boolean osc133;
    private boolean altScreen;
    private long enterNanos = -1;
    private final StringBuilder escape = new StringBuilder();
    private State state = State.TEXT;
    private final List<Found> found = new ArrayList<>();

    private enum State { TEXT, ESC, CSI, OSC, OSC_ESC }

    /** Keystrokes: only used to know when the user starts a line and presses Enter. */
    void input(byte[] data, long nanos) {
        if (altScreen) {
            return;
        }
        for (byte b : data) {
            if (b == '\r' || b == '\n') {
                if (!osc133) {
                    enterNanos = nanos;
                }
            } else if (b == 3 || b == 21) {
                enterNanos = -1; // Ctrl-C, Ctrl-U: the line is abandoned
            } else if (promptEnd < 0) {
                promptEnd = cursor;
            }
        }
    }

    void output(String text, long nanos) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (state) {
                case TEXT -> text(c, nanos);
                case ESC -> {
                    state = c == '[' ? State.CSI : c == ']' ? State.OSC : State.TEXT;
                    escape.setLength(0);
                }
                case CSI -> {
                    if (c >= 0x40 && c <= 0x7e) {
                        csi(c);
                        state = State.TEXT;
                    } else if (escape.length() < 64) {
                        escape.append(c);
                    }
                }
                case OSC -> {
                    if (c == 7) {
                        osc(nanos);
                    } else if (c == 27) {
                        state = State.OSC_ESC;
                    } else if (escape.length() < 256) {
                        escape.append(c);
                    }
                }
                case OSC_ESC -> osc(nanos);
            }
        }
    }

    /** Commands found since the last call. */
    List<Found> drain() {
        List<Found> out = List.copyOf(found);
        found.clear();
        return out;
    }

    private void text(char c, long nanos) {
        switch (c) {
            case 27 -> state = State.ESC;
            case '\r' -> cursor = 0;
            case '\n' -> newLine(nanos);
            case '\b' -> cursor = Math.max(0, cursor - 1);
            default -> {
                if (c >= 0x20 && c != 0x7f && !altScreen) {
                    put(c);
                }
            }
        }
    }

    private void put(char c) {
        if (cursor >= MAX_LINE) {
            return;
        }
        while (line.length() < cursor) {
            line.append(' ');
        }
        if (cursor < line.length()) {
            line.setCharAt(cursor, c);
        } else {
            line.append(c);
        }
        cursor++;
    }

    private void csi(char fin) {
        String params = escape.toString();
        if (params.startsWith("?")) {
            if (params.equals("?1049") || params.equals("?47") || params.equals("?1047")) {
                altScreen = fin == 'h';
                if (altScreen) {
                    reset();
                }
            }
            return;
        }
        int n = number(params, 1);
        switch (fin) {
            case 'K' -> {
                int mode = number(params, 0);
                if (mode == 0) {
                    line.setLength(Math.min(line.length(), cursor));
                } else if (mode == 2) {
                    line.setLength(0);
                } else {
                    for (int i = 0; i < Math.min(cursor, line.length()); i++) {
                        line.setCharAt(i, ' ');
                    }
                }
            }
            case 'D' -> cursor = Math.max(0, cursor - n);
            case 'C' -> cursor = Math.min(MAX_LINE, cursor + n);
            case 'G' -> cursor = Math.min(MAX_LINE, Math.max(0, n - 1));
            case 'P' -> {
                if (cursor < line.length()) {
                    line.delete(cursor, Math.min(line.length(), cursor + n));
                }
            }
            case '@' -> {
                if (cursor < line.length()) {
                    line.insert(cursor, " ".repeat(Math.min(n, MAX_LINE)));
                }
            }
            default -> {
                // colours and other sequences do not change the line's text
            }
        }
    }

    private void osc(long nanos) {
        state = State.TEXT;
        String body = escape.toString();
        if (!body.startsWith("133;") || body.length() < 5) {
            return;
        }
        switch (body.charAt(4)) {
            case 'A' -> reset();
            case 'B' -> {
                osc133 = true;
                promptEnd = cursor;
            }
            case 'C' -> {
                emit(nanos, "osc133");
                promptEnd = -1;
            }
            default -> {
                // D (command finished) carries the exit status; nothing to extract
            }
        }
    }

    private void newLine(long nanos) {
        if (!osc133 && enterNanos >= 0) {
            emit(enterNanos, "terminal");
        }
        reset();
    }

    private void emit(long nanos, String source) {
        if (promptEnd >= 0 && promptEnd < line.length()) {
            String cmd = line.substring(promptEnd).strip();
            if (!cmd.isEmpty()) {
                found.add(new Found(cmd, nanos, source));
            }
        }
    }

    private void reset() {
        line.setLength(0);
        cursor = 0;
        promptEnd = -1;
        enterNanos = -1;
    }

    private static int number(String params, int dflt) {
        try {
            return params.isEmpty() ? dflt : Math.min(MAX_LINE, Integer.parseInt(params.split(";")[0]));
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
