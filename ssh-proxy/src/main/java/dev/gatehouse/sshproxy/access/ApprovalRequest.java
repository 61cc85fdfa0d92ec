package dev.gatehouse.sshproxy.access;

import java.util.Objects;

/**
 * A login that waits for its person's approval in the browser, as the approval page shows it: {@code person} the
 * Gatehouse user it is for, {@code target} what the login asked for ({@code root@web-01}, or {@code menu}),
 * {@code source} the client's address, {@code clientVersion} its SSH identification, {@code keyVerified} whether the
 * person's key was already accepted (approval as a second factor).
 */
public record ApprovalRequest(String person, String target, String source, String clientVersion, boolean keyVerified) {

    public ApprovalRequest {
        Objects.requireNonNull(person, "person");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(clientVersion, "clientVersion");
    }
}
