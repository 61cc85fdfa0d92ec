package dev.gatehouse.pki.x509;

/** A certificate signing request the CA refuses; the message says why. */
public final class InvalidCsrException extends IllegalArgumentException {

    public InvalidCsrException(String message) {
        super(message);
    }

    public InvalidCsrException(String message, Throwable cause) {
        super(message, cause);
    }
}
