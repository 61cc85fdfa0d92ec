package dev.gatehouse.sshproxy.sftp;

import dev.gatehouse.sshproxy.events.Activity;
import dev.gatehouse.sshproxy.events.BastionListener;
import dev.gatehouse.sshproxy.events.SftpEvent;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;

/**
 * Turns SFTP operations into events: open, rename, remove, mkdir, setstat as they happen; per file handle, the bytes
 * read and written and (when the file went through whole, in order) its SHA-256, reported on close.
 */
public final class SftpAudit implements SftpEventListener {

    private final BastionListener listener;

    public SftpAudit(BastionListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public void open(ServerSession session, String remoteHandle, Handle handle) {
        if (handle instanceof FileHandle file) {
            boolean wholeWrite = file.getOpenOptions().contains(StandardOpenOption.TRUNCATE_EXISTING)
                    || file.getOpenOptions().contains(StandardOpenOption.CREATE_NEW);
            handle.setAttribute(TransferDigest.KEY, new TransferDigest(wholeWrite));
            report(session, new SftpEvent("open", path(handle.getFile()), null, 0, null, null));
        }
    }

    @Override
    public void openFailed(ServerSession session, String remotePath, Path localPath, boolean isDirectory,
                           Throwable thrown) {
        report(session, new SftpEvent(isDirectory ? "opendir" : "open", remotePath, null, 0, null, describe(thrown)));
    }

    @Override
    public void read(ServerSession session, String remoteHandle, FileHandle handle, long offset, byte[] data,
                     int dataOffset, int dataLen, int readLen, Throwable thrown) {
        TransferDigest digest = handle.getAttribute(TransferDigest.KEY);
        if (digest != null && thrown == null) {
            digest.read(offset, data, dataOffset, readLen);
        }
    }

    @Override
    public void written(ServerSession session, String remoteHandle, FileHandle handle, long offset, byte[] data,
                        int dataOffset, int dataLen, Throwable thrown) {
        TransferDigest digest = handle.getAttribute(TransferDigest.KEY);
        if (digest != null && thrown == null) {
            digest.written(offset, data, dataOffset, dataLen);
        }
    }

    @Override
    public void closed(ServerSession session, String remoteHandle, Handle handle, Throwable thrown) {
        TransferDigest digest = handle.getAttribute(TransferDigest.KEY);
        if (digest == null) {
            return;
        }
        String path = path(handle.getFile());
        if (digest.bytesRead() > 0 || digest.sawEndOfFile()) {
            report(session, new SftpEvent("read", path, null, digest.bytesRead(), digest.readSha256(), null));
        }
        if (digest.bytesWritten() > 0) {
            report(session, new SftpEvent("write", path, null, digest.bytesWritten(), digest.writeSha256(), null));
        }
        report(session, new SftpEvent("close", path, null, digest.bytesRead() + digest.bytesWritten(), null,
                describe(thrown)));
    }

    @Override
    public void moved(ServerSession session, Path source, Path target, Collection<java.nio.file.CopyOption> options,
                      Throwable thrown) {
        report(session, new SftpEvent("rename", path(source), path(target), 0, null, describe(thrown)));
    }

    @Override
    public void removed(ServerSession session, Path path, boolean isDirectory, Throwable thrown) {
        report(session, new SftpEvent(isDirectory ? "rmdir" : "remove", path(path), null, 0, null, describe(thrown)));
    }

    @Override
    public void created(ServerSession session, Path path, Map<String, ?> attrs, Throwable thrown) {
        report(session, new SftpEvent("mkdir", path(path), null, 0, null, describe(thrown)));
    }

    @Override
    public void modifiedAttributes(ServerSession session, Path path, Map<String, ?> attrs, Throwable thrown) {
        report(session, new SftpEvent("setstat", path(path), null, 0, null, describe(thrown)));
    }

    @Override
    public void destroying(ServerSession session) throws IOException {
        Activity activity = session.removeAttribute(TargetFileSystems.ACTIVITY);
        FileSystem fs = session.removeAttribute(TargetFileSystems.FILE_SYSTEM);
        if (activity != null) {
            listener.activityEnded(activity, null, null, "closed");
        }
        if (fs != null) {
            fs.close();
        }
    }

    private void report(ServerSession session, SftpEvent event) {
        Activity activity = session.getAttribute(TargetFileSystems.ACTIVITY);
        if (activity != null) {
            listener.sftp(activity, event);
        }
    }

    private static String path(Path path) {
        return path == null ? null : path.toString();
    }

    private static String describe(Throwable thrown) {
        if (thrown == null) {
            return null;
        }
        return thrown.getMessage() == null ? thrown.getClass().getSimpleName() : thrown.getMessage();
    }
}
