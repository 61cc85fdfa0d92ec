package dev.gatehouse.audit.recording;

import java.util.Locale;

/** What a session is for; stored lower-case. */
public enum SessionKind {
    SHELL, EXEC, SFTP, FORWARD, MENU;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
