package dev.gatehouse.sshproxy.sftp;

import dev.gatehouse.sshproxy.events.Activity;
import dev.gatehouse.sshproxy.session.AccessRefusedException;
import dev.gatehouse.sshproxy.session.TargetConnection;
import dev.gatehouse.sshproxy.session.TargetSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.Objects;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.fs.SftpFileSystem;

/**
 * Backs MINA's SFTP server with an SFTP client to the target: the client's SFTP requests are served by the bastion
 * (so each one can be audited) from the target's real file system, through the session's upstream connection.
 */
public final class TargetFileSystems implements FileSystemFactory {

    /** The SFTP activity of a connection, for {@link SftpAudit}. */
    static final AttributeKey<Activity> ACTIVITY = new AttributeKey<>();
    static final AttributeKey<FileSystem> FILE_SYSTEM = new AttributeKey<>();

    private final TargetSessions sessions;

    public TargetFileSystems(TargetSessions sessions) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
    }

    @Override
    public Path getUserHomeDir(SessionContext session) {
        FileSystem fs = session.getAttribute(FILE_SYSTEM);
        return fs instanceof SftpFileSystem sftp ? sftp.getDefaultDir() : null;
    }

    @Override
    public FileSystem createFileSystem(SessionContext context) throws IOException {
        ServerSession session = (ServerSession) context;
        TargetConnection connection = sessions.connectionFor(session);
        if (connection == null) {
            throw new AccessRefusedException("sftp needs a target: connect as login@host@gateway or with -J");
        }
        ClientSession upstream = connection.open();
        SftpFileSystem fs;
        try {
            fs = SftpClientFactory.instance().createSftpFileSystem(upstream);
            fs.getDefaultDir(); // the SFTP client starts lazily: make a refused subsystem fail here, not in MINA
        } catch (IOException | UncheckedIOException e) {
            // MINA reports a refused subsystem as an unchecked exception, which would end the whole connection
            throw new AccessRefusedException("host " + connection.target().name() + " does not offer sftp ("
                    + describe(e) + ")");
        }
        session.setAttribute(FILE_SYSTEM, fs);
        session.setAttribute(ACTIVITY, connection.startActivity(Activity.Kind.SFTP, null, null, 0, 0));
        return fs;
    }

    private static String describe(Exception e) {
        Throwable cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e;
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
