package dev.gatehouse.audit.chain;

import java.util.List;

/** The statement a retention tombstone signs: which chunks of which session, with which hashes, were deleted. */
public final class Tombstones {

    private Tombstones() {
    }

    public static String statement(String sessionId, List<String> chunkHashes, String deletedAt) {
        return "gatehouse.tombstone.v1|" + sessionId + "|" + String.join(",", chunkHashes) + "|" + deletedAt;
    }
}
