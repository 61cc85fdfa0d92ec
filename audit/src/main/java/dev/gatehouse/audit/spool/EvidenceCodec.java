package dev.gatehouse.audit.spool;

import dev.gatehouse.audit.recording.Evidence;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Recorder evidence as bytes: the spool's journal records, and the batches a bastion node uploads to the control
 * plane. Reading accepts only the audit module's evidence types and the JDK value types they hold, bounded in depth
 * and size, so bytes from a disk or a peer can never name another class.
 */
public final class EvidenceCodec {

    /** The largest single item. */
    public static final int MAX_ITEM_BYTES = 64 << 20;

    private static final ObjectInputFilter ONLY_EVIDENCE = ObjectInputFilter.Config.createFilter(
            "maxdepth=20;maxbytes=" + MAX_ITEM_BYTES + ";dev.gatehouse.audit.**;java.lang.*;java.util.*;java.time.*;"
                    + "java.math.*;[B;[Ljava.lang.Object;!*");

    private EvidenceCodec() {}

    public static byte[] encode(Evidence e) throws IOException {
        // Sized for a chunk up front: growing the buffer step by step copied each megabyte several times.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(e instanceof Evidence.Chunk c
                ? c.content().length + 2 * c.text().length() + 1024 : 1024);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        return bytes.toByteArray();
    }

    /** One item; IOException (never another class's code run) when the bytes hold anything but evidence. */
    public static Evidence decode(byte[] body) throws IOException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(body))) {
            in.setObjectInputFilter(ONLY_EVIDENCE);
            return (Evidence) in.readObject();
        } catch (ClassNotFoundException | ClassCastException | java.io.InvalidClassException e) {
            throw new IOException("not recorder evidence: " + e.getMessage(), e);
        }
    }

    /** A batch: each item as {@code [int length][item]}. */
    public static byte[] encodeBatch(List<Evidence> items) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (Evidence e : items) {
                byte[] item = encode(e);
                out.writeInt(item.length);
                out.write(item);
            }
        }
        return bytes.toByteArray();
    }

    public static List<Evidence> decodeBatch(byte[] batch) throws IOException {
        List<Evidence> items = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(batch))) {
            while (in.available() > 0) {
                int length = in.readInt();
                if (length <= 0 || length > MAX_ITEM_BYTES || length > in.available()) {
                    throw new IOException("evidence batch item of " + length + " bytes: malformed batch");
                }
                items.add(decode(in.readNBytes(length)));
            }
        }
        return items;
    }
}
