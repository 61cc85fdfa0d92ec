package dev.gatehouse.audit.recording;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds the command lines of a shell session from two readings that are kept apart: what was typed (keystrokes with
 * line editing applied, {@link TypedLine}) and what the terminal showed (the current line as the output draws it,
 * with cursor moves and erases; the text between OSC 133 {@code B} and {@code C} marks when the shell sends them).
 *
 * <p>Only an Enter that was typed makes a command: text and OSC 133 marks that a program prints can shape the screen
 * reading but never add a command, and they cannot switch the typed reading off. When both readings agree the command
 * is stored once ({@code typed+terminal} or {@code typed+osc133}); when they differ both are stored and marked; a line
 * typed with echo off ({@code stty -echo}) is still found ({@code typed}); a line recalled from history or completed
 * with Tab is taken from the screen ({@code terminal}) when the typed keys are consistent with it. Input typed at a
 * password prompt with echo off is withheld. Lines typed in a full-screen program (alternate screen) are kept as
 * {@code typed-fullscreen}, since that screen can also be switched on by printing a sequence.
 */
final class CommandExtractor {

    /** A command, the monotonic time it was entered, where it was read, and whether the other reading differed. */
    record Found(String line, long nanos, String source, boolean disagrees) {
    }

    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_PENDING = 64;
    private static final Pattern SECRET_PROMPT = Pattern.compile(
            "(?i)(pass(word|phrase|code)?|pin|otp|token|secret|verification code)\\b[^\\n]{0,60}[:?]\\s*$");

    private final StringBuilder line = new StringBuilder();
    private int cursor;
    private int promptEnd = -1;
    private boolean altScreen;
    private final StringBuilder escape = new StringBuilder();
    private State state = State.TEXT;
    private final List<Found> found = new ArrayList<>();
    /** Lines typed and entered whose screen reading has not come yet (type-ahead and pastes can hold several). */
    private final ArrayDeque<TypedLine.Entered> pending = new ArrayDeque<>();
    private boolean outputSinceEnter;
    private final TypedLine typed = new TypedLine(this::entered);

    private enum State { TEXT, ESC, CSI, OSC, OSC_ESC }

    /** Keystrokes: read into the typed line; they also tell where the prompt ends on the screen. */
    void input(byte[] data, long nanos) {
        for (byte b : data) {
            if (b != '\r' && b != '\n' && b != 3 && b != 21 && promptEnd < 0 && !altScreen) {
                promptEnd = cursor;
            }
        }
        typed.keys(data, nanos);
    }

    void output(String text, long nanos) {
        if (!text.isEmpty()) {
            outputSinceEnter = true;
        }
        for (int i = wholeLinesOfOutput(text); i < text.length(); i++) {
            char c = text.charAt(i);
            switch (state) {
                case TEXT -> text(c);
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
                        osc();
                    } else if (c == 27) {
                        state = State.OSC_ESC;
                    } else if (escape.length() < 256) {
                        escape.append(c);
                    }
                }
                case OSC_ESC -> osc();
            }
        }
    }

    /**
     * With no Enter waiting for its screen reading, printed lines are output, not commands: a stretch of whole lines
     * with no escape sequence leaves the reader as its last line feed does (an empty line). Skips that stretch and
     * returns where reading goes on (0 when it cannot skip). A large {@code cat} on a terminal is all such lines.
     */
    private int wholeLinesOfOutput(String text) {
        if (state != State.TEXT || !pending.isEmpty()) {
            return 0;
        }
        int lastFeed = text.lastIndexOf('\n');
        int firstEscape = text.indexOf(27);
        if (lastFeed < 0 || (firstEscape >= 0 && firstEscape < lastFeed)) {
            return 0;
        }
        reset();
        return lastFeed + 1;
    }

    /** Ends the session: lines typed whose screen reading never came are kept as typed. */
    void finish() {
        while (!pending.isEmpty()) {
            typedOnly(pending.removeFirst(), "");
        }
    }

    /** Commands found since the last call. */
    List<Found> drain() {
        List<Found> out = List.copyOf(found);
        found.clear();
        return out;
    }

    private void text(char c) {
        switch (c) {
            case 27 -> state = State.ESC;
            case '\r' -> cursor = 0;
            case '\n' -> newLine();
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

    private void osc() {
        state = State.TEXT;
        String body = escape.toString();
        if (!body.startsWith("133;") || body.length() < 5) {
            return;
        }
        switch (body.charAt(4)) {
            case 'A' -> reset();
            case 'B' -> promptEnd = cursor;
            case 'C' -> {
                resolve("osc133");
                promptEnd = -1;
            }
            default -> {
                // D (command finished) carries the exit status; nothing to extract
            }
        }
    }

    private void newLine() {
        resolve("terminal");
        reset();
    }

    private void entered(TypedLine.Entered entry) {
        if (altScreen) {
            if (!entry.line().isEmpty()) {
                found.add(new Found(entry.line(), entry.nanos(), "typed-fullscreen", false));
            }
            return;
        }
        // An earlier line that saw output but no new line was not echoed back (echo off): it stands alone.
        if (!pending.isEmpty() && outputSinceEnter) {
            typedOnly(pending.removeFirst(), prompt());
        }
        if (pending.size() >= MAX_PENDING) {
            typedOnly(pending.removeFirst(), "");
        }
        pending.addLast(entry);
        outputSinceEnter = false;
    }

    /** The screen has ended the line the oldest pending Enter belongs to: compare the two readings. */
    private void resolve(String screenSource) {
        if (pending.isEmpty()) {
            return; // nobody pressed Enter: printed text is output, not a command
        }
        TypedLine.Entered entry = pending.removeFirst();
        String shown = promptEnd >= 0 && promptEnd < line.length() ? line.substring(promptEnd).strip() : "";
        if (shown.isEmpty()) {
            typedOnly(entry, prompt());
        } else if (entry.line().equals(shown)) {
            found.add(new Found(shown, entry.nanos(), "typed+" + screenSource, false));
        } else if (!entry.certain() && isSubsequence(entry.line(), shown)) {
            found.add(new Found(shown, entry.nanos(), screenSource, false)); // completion or history: the screen tells
        } else {
            found.add(new Found(entry.line(), entry.nanos(), "typed", true));
            found.add(new Found(shown, entry.nanos(), screenSource, true));
        }
        // Type-ahead behind it: its echo mixes with this command's output, so its keys are the reading.
        while (!pending.isEmpty()) {
            typedOnly(pending.removeFirst(), "");
        }
    }

    private void typedOnly(TypedLine.Entered entry, String prompt) {
        if (entry.line().isEmpty() || SECRET_PROMPT.matcher(prompt).find()) {
            return; // nothing known, or a secret typed where a program asked for one
        }
        found.add(new Found(entry.line(), entry.nanos(), "typed", false));
    }

    private String prompt() {
        return line.substring(0, promptEnd >= 0 ? Math.min(promptEnd, line.length()) : line.length());
    }

    private static boolean isSubsequence(String keys, String shown) {
        int at = 0;
        for (int i = 0; i < keys.length() && at >= 0; i++) {
            at = shown.indexOf(keys.charAt(i), at);
            at = at < 0 ? -1 : at + 1;
        }
        return at >= 0;
    }

    private void reset() {
        line.setLength(0);
        cursor = 0;
        promptEnd = -1;
    }

    private static int number(String params, int dflt) {
        try {
            return params.isEmpty() ? dflt : Math.min(MAX_LINE, Integer.parseInt(params.split(";", 2)[0]));
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
