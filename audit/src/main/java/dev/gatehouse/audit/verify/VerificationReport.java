package dev.gatehouse.audit.verify;

import java.util.List;

/**
 * The outcome of {@link AuditVerifier#verify()}: what was checked, and every broken link found, in chain order (the
 * first is the first broken link). Events after the last signed checkpoint are hash-linked but not yet signed
 * ({@code unsignedTail}); chunks removed by retention under a valid signed tombstone are counted, not broken
 * ({@code chunksDeletedByRetention}); {@code anchoredUpTo} is the last event an anchor outside the database vouches for.
 */
public record VerificationReport(long eventsChecked, int sessionsChecked, int chunksChecked,
        int chunksDeletedByRetention, int checkpointsChecked, long unsignedTail, int anchorsChecked,
        long anchoredUpTo, List<BrokenLink> broken) {

    public boolean ok() {
        return broken.isEmpty();
    }
}
