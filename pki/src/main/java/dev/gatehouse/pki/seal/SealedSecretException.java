package dev.gatehouse.pki.seal;

/** A sealed secret that cannot be opened: damaged, sealed for another purpose, or sealed with another master key. */
public final class SealedSecretException extends RuntimeException {

    public SealedSecretException(String message) {
        super(message);
    }

    public SealedSecretException(String message, Throwable cause) {
        super(message, cause);
    }
}
