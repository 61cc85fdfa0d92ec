package dev.gatehouse.sshproxy.session;

import java.io.IOException;

/** A session request the gateway refused; the message is shown in the user's terminal. */
public final class AccessRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    public AccessRefusedException(String message) {
        super(message);
    }
}
