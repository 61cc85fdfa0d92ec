package dev.gatehouse.audit.recording;

import java.util.Locale;

/** The three byte streams of an SSH session channel. On a terminal the pty merges stdout and stderr into stdout. */
public enum ChannelStream {
    STDIN, STDOUT, STDERR;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The name used in the recording and in evidence ({@code stdin}, {@code stdout}, {@code stderr}). */
    public String wireName() {
        return wireName;
    }

    /** The stream of a wire name; empty when the name is no stream's. */
    public static java.util.Optional<ChannelStream> ofWireName(String name) {
        for (ChannelStream s : values()) {
            if (s.wireName().equals(name)) {
                return java.util.Optional.of(s);
            }
        }
        return java.util.Optional.empty();
    }
}
