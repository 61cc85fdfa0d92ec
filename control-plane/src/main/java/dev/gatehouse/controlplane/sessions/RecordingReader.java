package dev.gatehouse.controlplane.sessions;

import dev.gatehouse.audit.blob.BlobStore;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * A session's asciicast from its sealed chunks: the first chunk carries the header, later ones continue the event
 * lines, so the recording is the chunks in index order.
 */
@Component
final class RecordingReader {

    private final BlobStore blobs;

    RecordingReader(BlobStore blobs) {
        this.blobs = Objects.requireNonNull(blobs, "blobs");
    }

    Optional<byte[]> asciicast(String sessionId) {
        List<String> keys = blobs.list("sessions/" + sessionId + "/").stream().filter(k -> k.endsWith(".cast"))
                .sorted().toList();
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        ByteArrayOutputStream cast = new ByteArrayOutputStream();
        for (String key : keys) {
            cast.writeBytes(blobs.get(key).orElseThrow(() -> new IllegalStateException(
                    "recording chunk " + key + " is listed but cannot be read")));
        }
        return Optional.of(cast.toByteArray());
    }
}
