package dev.gatehouse.audit.blob;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
            Optional<byte[]> existing = get(key);
            if (existing.isPresent()) {
                if (Arrays.equals(existing.get(), content)) {
                    return;
                }
                throw new BlobStoreException("blob " + key + " exists with other content; blobs are immutable", null);
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
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (FileAlreadyExistsException e) {
            put(key, content);
        } catch (IOException e) {
            throw new BlobStoreException("cannot write blob " + key + ": " + e.getMessage(), e);
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
