package dev.gatehouse.audit.recording;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One stream of a session in its sealed end: every byte that passed ({@code bytes}), those kept in the recording, and
 * the SHA-256 of all of them (null for a terminal's keystrokes while input recording is off: a hash of a short
 * password is as good as the password).
 */
record StreamTally(ChannelStream stream, long bytes, long keptBytes, String sha256) {

    Map<String, Object> details() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bytes", bytes);
        m.put("keptBytes", keptBytes);
        m.put("sha256", sha256);
        return m;
    }
}
