package dev.gatehouse.audit.events;

/** The audit store could not do what was asked (database unreachable, schema missing, ...). */
public final class AuditStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public AuditStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
