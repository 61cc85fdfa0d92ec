package dev.gatehouse.sshproxy.events;

import java.util.Objects;

/**
 * One SFTP operation as the bastion saw it.
 *
 * @param op open, read, write, close, rename, remove, mkdir, rmdir, setstat
 * @param path the path the client named
 * @param newPath the rename target, or null
 * @param bytes bytes read or written through the handle (on close)
 * @param sha256 the whole file's SHA-256 when it went through start to end in order (on close), or null
 * @param error why the target refused it, or null when it succeeded
 */
public record SftpEvent(String op, String path, String newPath, long bytes, String sha256, String error) {
    public SftpEvent {
        Objects.requireNonNull(op, "op");
    }
}
