package dev.gatehouse.audit.chain;

/**
 * A place outside the database where each signed checkpoint is also kept, so that someone who owns the database but
 * not the audit key cannot delete or rewind the checkpoints there: {@link BlobAnchors}, the SIEM stream.
 */
public interface CheckpointAnchor {

    /** Keeps {@code checkpoint}; throws when it could not (the checkpointer retries). */
    void publish(SignedCheckpoint checkpoint);
}
