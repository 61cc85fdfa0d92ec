package dev.gatehouse.sshproxy.sftp;

import dev.gatehouse.sshproxy.session.AccessRefusedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * MINA's SFTP subsystem, except that a refusal while reaching the target's file system (no target, the target
 * does not offer sftp, the target is down) ends this channel with the reason on its stderr and exit status 1.
 * MINA itself lets that exception end the user's whole connection, with no reason given.
 */
public final class TargetSftpSubsystemFactory extends SftpSubsystemFactory {

    @Override
    public Command createSubsystem(ChannelSession channel) throws IOException {
        RefusableSftpSubsystem subsystem = new RefusableSftpSubsystem(channel, this);
        getRegisteredListeners().forEach(subsystem::addSftpEventListener);
        return subsystem;
    }

    private static final class RefusableSftpSubsystem extends SftpSubsystem {

        private String refusal;
        private IoOutputStream errors;
        private ExitCallback exit;

        RefusableSftpSubsystem(ChannelSession channel, SftpSubsystemFactory factory) {
            super(channel, factory);
        }

        @Override
        public void setFileSystemFactory(FileSystemFactory factory, SessionContext session) throws IOException {
            try {
                super.setFileSystemFactory(factory, session);
            } catch (AccessRefusedException e) {
                refusal = e.getMessage();
            }
        }

        @Override
        public void setIoErrorStream(IoOutputStream err) {
            this.errors = err;
            super.setIoErrorStream(err);
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
            super.setExitCallback(callback);
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            if (refusal == null) {
                super.start(channel, env);
                return;
            }
            byte[] message = ("gatehouse: " + refusal + "\r\n").getBytes(StandardCharsets.UTF_8);
            errors.writeBuffer(new ByteArrayBuffer(message)).addListener(written -> exit.onExit(1, refusal));
        }
    }
}
