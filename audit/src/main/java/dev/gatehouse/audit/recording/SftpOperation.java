package dev.gatehouse.audit.recording;

import java.util.Objects;

/**
 * One SFTP operation: {@code op} is open, read, write, close, rename, remove, mkdir, rmdir, setstat, ...;
 * {@code bytes} and {@code sha256} are set on close (sha256 only when the whole file went through start to end).
 */
public record SftpOperation(String op, String path, String newPath, long bytes, String sha256, String outcome,
        String error) {

    public SftpOperation {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(outcome, "outcome");
    }
}
