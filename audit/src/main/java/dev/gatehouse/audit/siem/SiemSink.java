package dev.gatehouse.audit.siem;

import dev.gatehouse.audit.chain.SignedCheckpoint;
import dev.gatehouse.audit.events.StoredAuditEvent;
import java.io.IOException;
import java.util.List;

/** Where a {@link SiemStreamer} sends stored events; a failed send is retried from the same event. */
public interface SiemSink extends AutoCloseable {

    void send(List<StoredAuditEvent> events) throws IOException;

    /** Sends a signed checkpoint of the chain, an anchor the database's owner cannot take back. */
    void sendCheckpoint(SignedCheckpoint checkpoint) throws IOException;

    @Override
    default void close() throws IOException {
    }
}
