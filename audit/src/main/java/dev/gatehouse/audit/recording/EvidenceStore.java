package dev.gatehouse.audit.recording;

import java.util.List;

/** Stores recorder output in order; throws when it cannot (the spool then keeps the batch and retries). */
public interface EvidenceStore {

    void store(List<Evidence> batch);
}
