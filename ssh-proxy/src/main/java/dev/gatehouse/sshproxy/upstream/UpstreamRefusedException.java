package dev.gatehouse.sshproxy.upstream;

import java.io.IOException;

/** The bastion could not log in to the target; the message is for the user's terminal. */
public final class UpstreamRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    public UpstreamRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
