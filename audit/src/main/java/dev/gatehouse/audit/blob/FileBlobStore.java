package dev.gatehouse.audit.blob;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** Blobs as files under one directory; writes go to a temporary file, fsync, then an atomic rename. */
public final class FileBlobStore implements BlobStore {

    private final Path root;

    public FileBlobStore(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new BlobStoreException("cannot create blob directory " + this.root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void put(String key, byte[] content) {
        Path file = resolve(key);
        try {
            if (Files.exists(file)) {
                sameOrRefuse(key, content);
                return;
            }
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".put-", ".tmp");
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    var buf = java.nio.ByteBuffer.wrap(content);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    ch.force(true);
                }
                // A hard link is create-new and atomic: it fails if the name exists, where a rename would replace.
                Files.createLink(file, tmp);
                force(file.getParent());
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (FileAlreadyExistsException e) {
            sameOrRefuse(key, content);
        } catch (IOException e) {
            throw new BlobStoreException("cannot write blob " + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * Each blob as {@link #put} writes it, but in steps over all of them: every temporary file written, then each
     * fsync'd, linked, and each directory fsync'd once. A recording's chunks come in batches, and one fsync per file
     * and per directory one after the other made the disk's latency, not its bandwidth, the limit of a recorded
     * transfer.
     */
    @Override
    public void putAll(List<Map.Entry<String, byte[]>> blobs) {
        if (blobs.size() == 1) {
            put(blobs.getFirst().getKey(), blobs.getFirst().getValue());
            return;
        }
        Map<Path, Map.Entry<String, byte[]>> written = new LinkedHashMap<>();
        Set<Path> dirs = new LinkedHashSet<>();
        try {
            for (Map.Entry<String, byte[]> b : blobs) {
                Path file = resolve(b.getKey());
                if (Files.exists(file)) {
                    sameOrRefuse(b.getKey(), b.getValue());
                    continue;
                }
                Files.createDirectories(file.getParent());
                Path tmp = Files.createTempFile(file.getParent(), ".put-", ".tmp");
                written.put(tmp, b);
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    var buf = java.nio.ByteBuffer.wrap(b.getValue());
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                }
            }
            for (Path tmp : written.keySet()) {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
            for (Map.Entry<Path, Map.Entry<String, byte[]>> w : written.entrySet()) {
                Path file = resolve(w.getValue().getKey());
                try {
                    Files.createLink(file, w.getKey());
                    dirs.add(file.getParent());
                } catch (FileAlreadyExistsException e) {
                    sameOrRefuse(w.getValue().getKey(), w.getValue().getValue());
                }
            }
            dirs.forEach(FileBlobStore::force);
        } catch (IOException e) {
            throw new BlobStoreException("cannot write blobs " + blobs.getFirst().getKey() + " and "
                    + (blobs.size() - 1) + " more: " + e.getMessage(), e);
        } finally {
            for (Path tmp : written.keySet()) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a stray temporary file is skipped by list and removed with its session
                }
            }
        }
    }

    private void sameOrRefuse(String key, byte[] content) {
        if (!Arrays.equals(get(key).orElse(null), content)) {
            throw new BlobStoreException("blob " + key + " exists with other content; blobs are immutable", null);
        }
    }

    /** Makes a new name in {@code dir} durable; a file system that cannot open a directory keeps its own order. */
    private static void force(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not supported here: the link is still in place, only its durability across a power cut is the OS's
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            return Optional.of(Files.readAllBytes(resolve(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new BlobStoreException("cannot read blob " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(k -> !k.substring(k.lastIndexOf('/') + 1).startsWith(".put-"))
                    .filter(k -> k.startsWith(prefix))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new BlobStoreException("cannot list blobs under " + prefix + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(resolve(key));
        } catch (IOException e) {
            throw new BlobStoreException("cannot delete blob " + key + ": " + e.getMessage(), e);
        }
    }

    private Path resolve(String key) {
        Path p = root.resolve(BlobStore.checkKey(key)).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("blob key escapes the store: " + key);
        }
        return p;
    }
}
