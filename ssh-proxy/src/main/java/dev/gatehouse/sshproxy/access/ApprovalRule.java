package dev.gatehouse.sshproxy.access;

/** Whether a person's SSH logins need approval in the browser, from the roles they hold. */
public enum ApprovalRule {
    /** A registered key is enough. */
    NONE,
    /** A registered key, then approval of each login ({@code requireApproval}). */
    AFTER_KEY,
    /** No key is accepted: approval only ({@code requireSso}). */
    INSTEAD_OF_KEY
}
