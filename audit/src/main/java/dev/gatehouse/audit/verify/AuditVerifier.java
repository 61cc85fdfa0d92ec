package dev.gatehouse.audit.verify;

import dev.gatehouse.audit.blob.BlobStore;
import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.chain.BlobAnchors;
import dev.gatehouse.audit.chain.ChainCheckpointer;
import dev.gatehouse.audit.chain.ChainHash;
import dev.gatehouse.audit.chain.Checkpoints;
import dev.gatehouse.audit.chain.SignedCheckpoint;
import dev.gatehouse.audit.chain.Tombstones;
import dev.gatehouse.audit.events.AuditStoreException;
import dev.gatehouse.audit.events.CanonicalJson;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.audit.events.PostgresAuditStore.StoredRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Recomputes every hash of the evidence and names each broken link: the global chain and each session's chain over
 * the event rows, every recording chunk against the hash its {@code recording.chunk} event vouches for, every signed
 * checkpoint (session checkpoints in the chain, global ones in {@code audit_checkpoints}), and the database against
 * the checkpoint anchors in the blob store ({@link BlobAnchors}), which someone who owns the database cannot reach.
 *
 * <p>Each row's content is checked against its own stored hash, and each stored hash against the next row's
 * "previous" hash, so one altered row is reported as that row alone. Links are listed in chain order, so the first
 * is the first broken link. Blobs are read one at a time.
 */
public final class AuditVerifier {

    /** Told how far a run has got; called from the verifying thread. */
    @FunctionalInterface
    public interface Progress {

        Progress NONE = (phase, done, total) -> { };

        /** {@code phase} is {@code events} (done = last event id read) or {@code chunks}. */
        void update(String phase, long done, long total);
    }

    private static final int PAGE = 5000;
    private static final HexFormat HEX = HexFormat.of();

    private final PostgresAuditStore store;
    private final BlobStore blobs;
    private final AuditKey key;
    private final Duration maxUnsignedAge;
    private final Clock clock;
    private volatile Supplier<Collection<AuditKey>> recorderKeys = List::of;
    /** The recorder keys of the current run (verify() is synchronized). */
    private List<AuditKey> runRecorderKeys = List.of();

    /** Allows an unsigned tail of twice {@link ChainCheckpointer#DEFAULT_INTERVAL}. */
    public AuditVerifier(PostgresAuditStore store, BlobStore blobs, AuditKey key) {
        this(store, blobs, key, ChainCheckpointer.DEFAULT_INTERVAL.multipliedBy(2), Clock.systemUTC());
    }

    /**
     * {@code maxUnsignedAge}: how old the first event after the last anchor may be before verify reports it (the
     * checkpoint interval plus the time a checkpoint takes).
     */
    public AuditVerifier(PostgresAuditStore store, BlobStore blobs, AuditKey key, Duration maxUnsignedAge,
            Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.key = Objects.requireNonNull(key, "key");
        this.maxUnsignedAge = Objects.requireNonNull(maxUnsignedAge, "maxUnsignedAge");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Keys besides the audit key that may sign session checkpoints: those of bastion nodes, which record their own
     * sessions and never hold the audit key. Asked once per verification run.
     */
    public AuditVerifier withRecorderKeys(Supplier<Collection<AuditKey>> keys) {
        this.recorderKeys = Objects.requireNonNull(keys, "keys");
        return this;
    }

    private record SessionState(long seq, byte[] hash) {
    }

    private record ChunkClaim(String sessionId, int index, String sha256, String key, long eventId) {
    }

    /** "session/index:sha256" of chunks a valid signed tombstone says were deleted by retention. */
    private final java.util.Set<String> tombstoned = new java.util.HashSet<>();

    public VerificationReport verify() {
        return verify(Progress.NONE);
    }

    public synchronized VerificationReport verify(Progress progress) {
        tombstoned.clear();
        runRecorderKeys = List.copyOf(recorderKeys.get());
        List<BrokenLink> broken = new ArrayList<>();
        Map<String, SessionState> sessions = new HashMap<>();
        Map<Long, byte[]> hashAt = new HashMap<>();
        List<ChunkClaim> chunks = new ArrayList<>();
        // Anchors are listed first, then the checkpoint rows, then the events: an anchor is written after its row
        // commits, and the checkpointer keeps signing while this runs; anything newer than the snapshot is ignored.
        BlobAnchors anchors = new BlobAnchors(blobs);
        var anchorSeqs = anchors.seqs();
        List<SignedCheckpoint> checkpoints = globalCheckpoints();
        Map<Long, byte[]> checkpointWanted = checkpointSeqs(checkpoints);
        Map<Long, SignedCheckpoint> checkpointRows = new HashMap<>();
        checkpoints.forEach(c -> checkpointRows.putIfAbsent(c.seq(), c));
        AnchorWalk anchorWalk = new AnchorWalk(anchors, anchorSeqs, checkpointRows, key, broken);
        long total = lastEventId();
        long lastId = 0;
        byte[] prev = ChainHash.genesis();
        long checked = 0;
        for (List<StoredRow> page = store.rowsAfter(0, PAGE); !page.isEmpty();
                page = store.rowsAfter(lastId, PAGE)) {
            for (StoredRow row : page) {
                checked++;
                List<String> problems = new ArrayList<>();
                if (row.id() != lastId + 1) {
                    problems.add("events " + (lastId + 1) + ".." + (row.id() - 1) + " are missing before it");
                }
                if (!Arrays.equals(row.prevHash(), prev)) {
                    problems.add("its previous-hash does not match event " + lastId + "'s hash");
                }
                byte[] canonical = row.canonical();
                if (!Arrays.equals(ChainHash.link(row.prevHash(), canonical), row.hash())) {
                    problems.add("its content does not match its hash (altered)");
                }
                if (row.sessionSeq() != null) {
                    inspectSessionEvent(row, sessions, chunks, problems);
                    sessionLink(row, canonical, sessions, problems);
                }
                if (!problems.isEmpty()) {
                    broken.add(BrokenLink.event(row.id(), row.sessionId(), String.join("; ", problems)));
                }
                anchorWalk.row(row);
                if (checkpointWanted.containsKey(row.id())) {
                    hashAt.put(row.id(), row.hash());
                }
                prev = row.hash();
                lastId = row.id();
            }
            progress.update("events", lastId, Math.max(total, lastId));
        }
        anchorWalk.end(lastId, clock.instant(), maxUnsignedAge);
        int chunksChecked = checkChunks(chunks, broken, progress);
        long[] checkpointResult = checkGlobalCheckpoints(checkpoints, hashAt, lastId, broken);
        long signedUpTo = Math.max(checkpointResult[1], anchorWalk.anchoredUpTo());
        return new VerificationReport(checked, sessions.size(), chunksChecked, deletedByRetention,
                (int) checkpointResult[0], lastId - signedUpTo, anchorWalk.checked(), anchorWalk.anchoredUpTo(),
                List.copyOf(broken));
    }

    private long lastEventId() {
        try (Connection c = store.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT coalesce(max(id), 0) FROM audit_events"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AuditStoreException("cannot read the audit chain: " + e.getMessage(), e);
        }
    }

    private static void sessionLink(StoredRow row, byte[] canonical, Map<String, SessionState> sessions,
            List<String> problems) {
        SessionState s = sessions.getOrDefault(row.sessionId(), new SessionState(0, ChainHash.genesis()));
        if (row.sessionSeq() != s.seq() + 1) {
            problems.add("session link " + row.sessionSeq() + " follows link " + s.seq() + " (missing or reordered)");
        }
        if (!Arrays.equals(ChainHash.link(s.hash(), canonical), row.sessionHash())
                && problems.stream().noneMatch(p -> p.contains("altered"))) {
            problems.add("its session hash does not follow from the session's previous link");
        }
        sessions.put(row.sessionId(), new SessionState(row.sessionSeq(), row.sessionHash()));
    }

    private void inspectSessionEvent(StoredRow row, Map<String, SessionState> sessions, List<ChunkClaim> chunks,
            List<String> problems) {
        Map<String, Object> details;
        try {
            details = CanonicalJson.readObject(row.details());
        } catch (RuntimeException e) {
            problems.add("its details are not JSON");
            return;
        }
        switch (row.type()) {
            case "recording.chunk" -> chunks.add(new ChunkClaim(row.sessionId(), number(details.get("index")),
                    String.valueOf(details.get("sha256")), String.valueOf(details.get("key")), row.id()));
            case "recording.checkpoint" -> {
                long seq = number(details.get("seq"));
                String hash = String.valueOf(details.get("hash"));
                byte[] signature = decode(details.get("signature"));
                // The checkpoint covers the link just before itself.
                SessionState before = sessions.get(row.sessionId());
                long coveredSeq = row.sessionSeq() - 1;
                if (seq != coveredSeq) {
                    problems.add("checkpoint claims link " + seq + " but follows link " + coveredSeq);
                }
                AuditKey signer = sessionSigner(details.get("keyId"));
                if (signer == null) {
                    problems.add("checkpoint signed by unknown key " + details.get("keyId"));
                } else if (signature == null
                        || !signer.verify(Checkpoints.sessionStatement(row.sessionId(), seq, hash), signature)) {
                    problems.add("checkpoint signature is invalid");
                }
                if (before == null || !HEX.formatHex(before.hash()).equals(hash)) {
                    problems.add("checkpoint hash differs from the session chain it signs");
                }
            }
            case "recording.deleted" -> tombstone(row, details, problems);
            default -> {
                // other events carry no further evidence
            }
        }
    }

    /** The audit key, or a recorder key of this run, with id {@code keyId}; null when none has it. */
    private AuditKey sessionSigner(Object keyId) {
        if (key.id().equals(keyId)) {
            return key;
        }
        return runRecorderKeys.stream().filter(k -> k.id().equals(keyId)).findFirst().orElse(null);
    }

    private void tombstone(StoredRow row, Map<String, Object> details, List<String> problems) {
        List<String> hashes = new ArrayList<>();
        if (details.get("chunks") instanceof List<?> chunks) {
            for (Object o : chunks) {
                if (o instanceof Map<?, ?> c) {
                    hashes.add(c.get("index") + ":" + c.get("sha256"));
                }
            }
        }
        byte[] signature = decode(details.get("signature"));
        if (!key.id().equals(details.get("keyId")) || signature == null || !key.verify(
                Tombstones.statement(row.sessionId(), hashes, String.valueOf(details.get("deletedAt"))), signature)) {
            problems.add("retention tombstone signature is invalid");
            return;
        }
        hashes.forEach(h -> tombstoned.add(row.sessionId() + "/" + h));
    }

    /** Chunks of the current run found deleted under a valid tombstone (verify() is synchronized). */
    private int deletedByRetention;

    /** Checks each claimed chunk's bytes, and that each session's chunks run 0..n-1 without a gap. */
    private int checkChunks(List<ChunkClaim> claims, List<BrokenLink> broken, Progress progress) {
        deletedByRetention = 0;
        Map<String, Integer> nextIndex = new HashMap<>();
        int done = 0;
        for (ChunkClaim c : claims) {
            if (++done % 100 == 0) {
                progress.update("chunks", done, claims.size());
            }
            int expected = nextIndex.getOrDefault(c.sessionId(), 0);
            if (c.index() != expected) {
                broken.add(BrokenLink.chunk(c.sessionId(), expected, "missing: the next chunk event names index "
                        + c.index()));
            }
            nextIndex.put(c.sessionId(), c.index() + 1);
            Optional<byte[]> content;
            try {
                content = blobs.get(c.key());
            } catch (RuntimeException e) {
                broken.add(BrokenLink.chunk(c.sessionId(), c.index(), "unreadable: " + e.getMessage()));
                continue;
            }
            if (content.isEmpty() && tombstoned.contains(c.sessionId() + "/" + c.index() + ":" + c.sha256())) {
                deletedByRetention++;
            } else if (content.isEmpty()) {
                broken.add(BrokenLink.chunk(c.sessionId(), c.index(), "missing from the blob store (" + c.key() + ")"));
            } else if (!HEX.formatHex(ChainHash.sha256(content.get(), 0, content.get().length)).equals(c.sha256())) {
                broken.add(BrokenLink.chunk(c.sessionId(), c.index(), "content does not match the hash recorded in"
                        + " event " + c.eventId() + " (altered)"));
            }
        }
        return claims.size();
    }

    private static Map<Long, byte[]> checkpointSeqs(List<SignedCheckpoint> checkpoints) {
        Map<Long, byte[]> seqs = new HashMap<>();
        for (SignedCheckpoint c : checkpoints) {
            seqs.put(c.seq(), c.hash());
        }
        return seqs;
    }

    /** Returns {checked, highest valid seq}. */
    private long[] checkGlobalCheckpoints(List<SignedCheckpoint> checkpoints, Map<Long, byte[]> hashAt, long lastId,
            List<BrokenLink> broken) {
        int checked = 0;
        long signedUpTo = 0;
        for (SignedCheckpoint c : checkpoints) {
            checked++;
            if (!key.id().equals(c.keyId())) {
                broken.add(BrokenLink.checkpoint(c.seq(), "signed by unknown key " + c.keyId()));
            } else if (!c.signedBy(key)) {
                broken.add(BrokenLink.checkpoint(c.seq(), "signature is invalid"));
            } else if (c.seq() > lastId) {
                broken.add(BrokenLink.checkpoint(c.seq(), "signed a chain longer than what is stored (events "
                        + (lastId + 1) + ".." + c.seq() + " are gone)"));
            } else if (!Arrays.equals(hashAt.get(c.seq()), c.hash())) {
                broken.add(BrokenLink.checkpoint(c.seq(), "the stored chain at event " + c.seq()
                        + " differs from what was signed (events rewritten)"));
            } else {
                signedUpTo = Math.max(signedUpTo, c.seq());
            }
        }
        return new long[] {checked, signedUpTo};
    }

    private List<SignedCheckpoint> globalCheckpoints() {
        try (Connection c = store.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT seq, hash, time, key_id, signature FROM audit_checkpoints ORDER BY seq");
                ResultSet rs = ps.executeQuery()) {
            List<SignedCheckpoint> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new SignedCheckpoint(rs.getLong(1), rs.getBytes(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(4), rs.getBytes(5)));
            }
            return out;
        } catch (SQLException e) {
            throw new AuditStoreException("cannot read audit checkpoints: " + e.getMessage(), e);
        }
    }

    private static int number(Object o) {
        return o instanceof Number n ? n.intValue() : -1;
    }

    private static byte[] decode(Object o) {
        try {
            return o == null ? null : Base64.getDecoder().decode(o.toString());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
