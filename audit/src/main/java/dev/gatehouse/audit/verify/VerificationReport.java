package dev.gatehouse.audit.verify;

import java.util.List;

/**
 * The outcome of {@link AuditVerifier#verify()}: what was checked, and every broken link found. Events after the
 * last signed checkpoint are hash-linked but not yet signed ({@code unsignedTail}).
 */
public record VerificationReport(long eventsChecked, int sessionsChecked, int chunksChecked,
        int checkpointsChecked, long unsignedTail, List<BrokenLink> broken) {

    public boolean ok() {
        return broken.isEmpty();
    }
}
