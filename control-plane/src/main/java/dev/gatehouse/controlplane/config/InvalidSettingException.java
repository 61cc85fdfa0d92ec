package dev.gatehouse.controlplane.config;

import java.util.Objects;

/** A setting that cannot be used; the message names it and what it accepts, never its (possibly secret) value. */
public final class InvalidSettingException extends RuntimeException {

    private final String setting;
    private final String accepted;

    public InvalidSettingException(String setting, String accepted, String problem) {
        super(setting + ": " + problem + "; accepted: " + accepted);
        this.setting = Objects.requireNonNull(setting, "setting");
        this.accepted = Objects.requireNonNull(accepted, "accepted");
    }

    public String setting() {
        return setting;
    }

    public String accepted() {
        return accepted;
    }
}
