package dev.gatehouse.audit.chain;

import dev.gatehouse.audit.blob.BlobStore;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Signed checkpoints as write-once objects in the blob store, {@code anchors/global/<seq, 20 digits>.json}: the blob
 * store is create-new, so an anchor once written is not replaced, and the database's owner cannot reach it.
 */
public final class BlobAnchors implements CheckpointAnchor {

    static final String PREFIX = "anchors/global/";

    private final BlobStore blobs;

    public BlobAnchors(BlobStore blobs) {
        this.blobs = Objects.requireNonNull(blobs, "blobs");
    }

    @Override
    public void publish(SignedCheckpoint checkpoint) {
        blobs.put(key(checkpoint.seq()), checkpoint.json());
    }

    /** The anchored seqs in ascending order, read one by one through {@link #read}. */
    public Iterator<Long> seqs() {
        List<String> keys = blobs.list(PREFIX);
        return keys.stream().map(BlobAnchors::seqOf).filter(s -> s > 0).iterator();
    }

    /** The anchor at {@code seq}; a malformed one is an {@link IllegalArgumentException}. */
    public Optional<SignedCheckpoint> read(long seq) {
        return blobs.get(key(seq)).map(SignedCheckpoint::parse);
    }

    static String key(long seq) {
        return PREFIX + String.format("%020d", seq) + ".json";
    }

    private static long seqOf(String key) {
        String name = key.substring(PREFIX.length());
        try {
            return name.matches("\\d{20}\\.json") ? Long.parseLong(name.substring(0, 20)) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
