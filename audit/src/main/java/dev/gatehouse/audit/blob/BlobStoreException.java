package dev.gatehouse.audit.blob;

/** The blob store could not do what was asked (unreachable, conflicting content, I/O error). */
public final class BlobStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BlobStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
