package dev.gatehouse.controlplane.recordings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * This node's stable id, kept in {@code <data-dir>/node-id}: after a crash the recorder marks only the sessions this
 * node left unfinished as interrupted, never another node's.
 */
public final class NodeId {

    private NodeId() {}

    public static String of(Path dataDir) {
        Path file = dataDir.resolve("node-id");
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (id.matches("[a-z0-9-]{8,64}")) {
                    return id;
                }
                throw new IllegalStateException(file + " does not hold a node id (8 to 64 of a-z, 0-9, '-'); remove it to"
                        + " make a new one");
            }
            Files.createDirectories(dataDir);
            String id = "node-" + UUID.randomUUID();
            Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the node id in " + file, e);
        }
    }
}
