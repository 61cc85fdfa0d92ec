package dev.gatehouse.sshproxy.forward;

import java.io.IOException;

/** A forward the gateway does not allow; the message reaches the client as the channel-open failure text. */
public final class ForwardRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    public ForwardRefusedException(String message) {
        super(message);
    }
}
