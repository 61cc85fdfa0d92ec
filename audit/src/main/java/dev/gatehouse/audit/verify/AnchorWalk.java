package dev.gatehouse.audit.verify;

import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.chain.BlobAnchors;
import dev.gatehouse.audit.chain.SignedCheckpoint;
import dev.gatehouse.audit.events.PostgresAuditStore.StoredRow;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Walks the anchors in the blob store alongside the event rows, in seq order, one anchor in memory at a time: each
 * anchor must be signed, match the chain at its seq, and match its row in {@code audit_checkpoints}; no anchor may lie
 * beyond the stored chain; events after the last anchor may not be older than the allowed unsigned age.
 */
final class AnchorWalk {

    private final BlobAnchors anchors;
    private final Iterator<Long> seqs;
    private final Map<Long, SignedCheckpoint> rows;
    private final AuditKey key;
    private final List<BrokenLink> broken;
    private Long next;
    private long anchoredUpTo;
    private int checked;
    private long tailStartId;
    private Instant tailStartTime;

    /** {@code rows}: the database's checkpoints by seq, read after the anchors were listed. */
    AnchorWalk(BlobAnchors anchors, Iterator<Long> seqs, Map<Long, SignedCheckpoint> rows, AuditKey key,
            List<BrokenLink> broken) {
        this.anchors = anchors;
        this.seqs = seqs;
        this.rows = rows;
        this.key = key;
        this.broken = broken;
        this.next = seqs.hasNext() ? seqs.next() : null;
    }

    /** Called for each stored row in chain order. */
    void row(StoredRow row) {
        while (next != null && next < row.id()) {
            broken.add(BrokenLink.checkpoint(next, "anchored, but event " + next + " is missing from the chain"));
            advance();
        }
        if (next != null && next == row.id()) {
            check(row);
            advance();
        }
        if (row.id() > anchoredUpTo && tailStartTime == null) {
            tailStartId = row.id();
            tailStartTime = row.time().toInstant();
        }
    }

    /** After the last row: anchors beyond it, and the tail no anchor covers. */
    void end(long lastId, Instant now, Duration maxUnsignedAge) {
        if (next != null) {
            long first = next;
            int later = 0;
            while (seqs.hasNext()) {
                seqs.next();
                later++;
            }
            next = null;
            broken.add(BrokenLink.checkpoint(first, "anchored a chain of " + first + " events, but the store ends at"
                    + " event " + lastId + ": events " + (lastId + 1) + ".." + first + " are gone (tail cut)"
                    + (later > 0 ? "; " + later + " later anchor(s) point past the end too" : "")));
        }
        if (lastId == 0) {
            return;
        }
        if (checked == 0) {
            broken.add(BrokenLink.event(1, null, "no checkpoint anchor outside the database covers events 1.."
                    + lastId + ": the chain was never anchored, or its anchors are gone"));
        } else if (lastId > anchoredUpTo && tailStartTime != null
                && tailStartTime.isBefore(now.minus(maxUnsignedAge))) {
            broken.add(BrokenLink.event(tailStartId, null, "events " + tailStartId + ".." + lastId + " follow the"
                    + " last anchor (event " + anchoredUpTo + ") and are older than " + maxUnsignedAge.toSeconds()
                    + " s: checkpoints stopped reaching the blob store, or were removed from the database"));
        }
    }

    /** The highest seq up to which the stored chain matches a signed anchor. */
    long anchoredUpTo() {
        return anchoredUpTo;
    }

    int checked() {
        return checked;
    }

    private void advance() {
        next = seqs.hasNext() ? seqs.next() : null;
    }

    private void check(StoredRow row) {
        long seq = row.id();
        checked++;
        Optional<SignedCheckpoint> read;
        try {
            read = anchors.read(seq);
        } catch (RuntimeException e) {
            broken.add(BrokenLink.checkpoint(seq, "its anchor is unreadable or malformed: " + e.getMessage()));
            return;
        }
        if (read.isEmpty()) {
            broken.add(BrokenLink.checkpoint(seq, "its anchor was listed but is gone from the blob store"));
            return;
        }
        SignedCheckpoint anchor = read.get();
        if (anchor.seq() != seq || !anchor.signedBy(key)) {
            broken.add(BrokenLink.checkpoint(seq, "its anchor is not signed by audit key " + key.id()));
            return;
        }
        if (!Arrays.equals(anchor.hash(), row.hash())) {
            broken.add(BrokenLink.checkpoint(seq, "events " + (anchoredUpTo + 1) + ".." + seq + " differ from the"
                    + " chain its anchor signed at " + anchor.time() + " (events rewritten)"));
            return;
        }
        anchoredUpTo = seq;
        tailStartTime = null;
        SignedCheckpoint stored = rows.get(seq);
        if (stored == null) {
            broken.add(BrokenLink.checkpoint(seq, "its row is missing from audit_checkpoints (deleted); the anchor in"
                    + " the blob store still holds it"));
        } else if (!stored.sameAs(anchor)) {
            broken.add(BrokenLink.checkpoint(seq, "its row in audit_checkpoints differs from its anchor (rewritten)"));
        }
    }
}
