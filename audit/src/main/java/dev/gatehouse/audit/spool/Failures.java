package dev.gatehouse.audit.spool;

import dev.gatehouse.audit.blob.BlobStoreException;
import java.io.IOException;
import java.sql.SQLException;

/** Tells failures worth retrying (the store is away) from those retrying cannot fix (the store refuses the data). */
final class Failures {

    private Failures() {
    }

    /**
     * Permanent: PostgreSQL refused the data (SQLSTATE class 22 data exception, 23 integrity violation) or the blob
     * store refused a conflicting blob. Anything else, connection trouble above all, is transient.
     */
    static boolean permanent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                return state.startsWith("22") || state.startsWith("23");
            }
            if (t instanceof IOException) {
                return false;
            }
            if (t instanceof BlobStoreException b && b.getMessage() != null && b.getMessage().contains("immutable")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
