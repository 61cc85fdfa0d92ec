package dev.gatehouse.node;

import dev.gatehouse.audit.recording.Evidence;
import dev.gatehouse.audit.recording.EvidenceStore;
import dev.gatehouse.audit.spool.EvidenceCodec;
import dev.gatehouse.controlplane.nodes.NodeWire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A bastion node's evidence store: batches uploaded to the control plane, which stores them before it answers. Behind
 * the node's {@code EvidenceSpool}, so while the control plane is away the evidence waits on the node's disk and is
 * delivered, in order, once it is back; a batch delivered twice is stored once.
 */
final class RemoteEvidenceStore implements EvidenceStore {

    /** Well under the node port's limit, so one upload never carries too much. */
    static final int MAX_UPLOAD_BYTES = 16 << 20;

    private final ControlPlaneClient client;

    RemoteEvidenceStore(ControlPlaneClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public void store(List<Evidence> batch) {
        try {
            List<Evidence> part = new ArrayList<>();
            long bytes = 0;
            for (Evidence e : batch) {
                long size = EvidenceCodec.encode(e).length;
                if (!part.isEmpty() && bytes + size > MAX_UPLOAD_BYTES) {
                    upload(part);
                    part = new ArrayList<>();
                    bytes = 0;
                }
                part.add(e);
                bytes += size;
            }
            if (!part.isEmpty()) {
                upload(part);
            }
        } catch (IOException e) {
            // The spool keeps the batch and retries it.
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private void upload(List<Evidence> part) throws IOException {
        client.send(NodeWire.EVIDENCE, EvidenceCodec.encodeBatch(part), "application/octet-stream");
    }
}
