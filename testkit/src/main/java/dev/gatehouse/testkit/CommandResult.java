package dev.gatehouse.testkit;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How an external program ended: exit code, raw standard output, standard error as text.
 *
 * @param command  the argument vector that ran, for failure messages
 * @param exitCode the exit code
 * @param stdout   everything written to standard output
 * @param stderr   everything written to standard error, decoded as UTF-8
 */
public record CommandResult(List<String> command, int exitCode, byte[] stdout, String stderr) {

    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** A one-paragraph account of the run for assertion messages. */
    public String describe() {
        return String.join(" ", command) + " exited " + exitCode + "\nstdout: " + abbreviate(stdoutText())
                + "\nstderr: " + abbreviate(stderr);
    }

    private static String abbreviate(String text) {
        return text.length() > 4000 ? text.substring(0, 4000) + "... (" + text.length() + " chars)" : text;
    }

    @Override
    public String toString() {
        return describe();
    }
}
