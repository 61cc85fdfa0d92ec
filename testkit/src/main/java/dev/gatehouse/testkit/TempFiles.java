package dev.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary directories for fixtures, removed again when the fixture closes. */
final class TempFiles {

    private TempFiles() {
    }

    static Path directory(String prefix) {
        try {
            return Files.createTempDirectory(prefix).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory: " + e.getMessage(), e);
        }
    }

    /**
     * Deletes {@code root} and everything below it. A process that was just stopped may still create a file while
     * the tree is walked (an sshd connection child appending its last log line), so the walk is repeated a few times.
     */
    static void deleteRecursively(Path root) {
        for (int attempt = 0; attempt < 5 && root != null && Files.exists(root); attempt++) {
            if (attempt > 0) {
                try {
                    Thread.sleep(100L * attempt);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            deleteTree(root);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // Best effort: a leftover temp file must not fail the test that used it.
                }
            });
        } catch (IOException ignored) {
            // Same as above.
        }
    }
}
