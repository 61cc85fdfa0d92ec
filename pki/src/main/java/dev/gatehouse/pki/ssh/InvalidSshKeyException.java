package dev.gatehouse.pki.ssh;

/** An SSH public key line that Gatehouse will not accept; the message says exactly why, in words fit for an API client. */
public final class InvalidSshKeyException extends IllegalArgumentException {

    public InvalidSshKeyException(String message) {
        super(message);
    }

    public InvalidSshKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
