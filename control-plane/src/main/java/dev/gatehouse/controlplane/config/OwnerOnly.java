package dev.gatehouse.controlplane.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files and directories only their owner can read: the data directory holds the master key, the database's passwords
 * and the evidence, so it is created 0700 (tightened when found wider) and its secrets 0600, whatever the umask.
 */
public final class OwnerOnly {

    private static final Logger log = LoggerFactory.getLogger(OwnerOnly.class);
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private OwnerOnly() {}

    /** Creates {@code directory} (and missing parents) mode 0700, or takes group and others' access off an existing one. */
    public static Path directory(Path directory) throws IOException {
        Path absolute = directory.toAbsolutePath();
        if (!Files.isDirectory(absolute)) {
            Path parent = absolute.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                directory(parent);
            }
            try {
                Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException raced) {
                // made meanwhile (by logging, or another start); tightened below
            } catch (UnsupportedOperationException notPosix) {
                Files.createDirectories(absolute);
            }
        }
        if (isPosix(absolute) && !isOwnerOnly(absolute)) {
            Files.setPosixFilePermissions(absolute, PosixFilePermissions.fromString("rwx------"));
            log.info("{}: access for group and others removed (mode 0700)", absolute);
        }
        return absolute;
    }

    /** Creates {@code file} mode 0600 with {@code content}; false when it already existed (then nothing is written). */
    public static boolean createFile(Path file, String content) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException exists) {
            return false;
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        return true;
    }

    /** True when neither group nor others have any access to {@code path} (always true off POSIX file systems). */
    public static boolean isOwnerOnly(Path path) throws IOException {
        if (!isPosix(path)) {
            return true;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
        permissions.retainAll(GROUP_OR_OTHERS);
        return permissions.isEmpty();
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
