package dev.gatehouse.audit.blob;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Immutable recording chunks and checkpoint anchors by key ({@code sessions/<id>/<index>.cast},
 * {@code anchors/...}). Keys are made of {@code [A-Za-z0-9._/-]}, without {@code ..}. A put is create-new: it never
 * replaces an existing blob, even when two puts race (the store, not a check before the write, decides); a put of an
 * existing key with other content fails, a put with the same content succeeds (so redelivery is harmless).
 */
public interface BlobStore {

    void put(String key, byte[] content);

    /**
     * Puts several blobs, each as {@link #put} would; when it returns, all are stored. A store may make them durable
     * together (one flush for many writes) rather than one by one.
     */
    default void putAll(List<Map.Entry<String, byte[]>> blobs) {
        for (Map.Entry<String, byte[]> b : blobs) {
            put(b.getKey(), b.getValue());
        }
    }

    Optional<byte[]> get(String key);

    /** Keys starting with {@code prefix}, sorted. */
    List<String> list(String prefix);

    /** Removes a blob (retention only); absent keys are fine. */
    void delete(String key);

    /** Checks a key's syntax; every implementation calls it first. */
    static String checkKey(String key) {
        if (key == null || key.isEmpty() || key.length() > 512 || !key.matches("[A-Za-z0-9._/-]+")
                || key.startsWith("/") || key.endsWith("/") || key.contains("//")
                || ("/" + key + "/").contains("/../") || ("/" + key + "/").contains("/./")) {
            throw new IllegalArgumentException("blob key must be 1..512 of [A-Za-z0-9._/-], relative, without"
                    + " empty, '.' or '..' segments; was: " + key);
        }
        return key;
    }
}
