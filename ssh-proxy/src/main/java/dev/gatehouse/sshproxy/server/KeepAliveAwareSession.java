package dev.gatehouse.sshproxy.server;

import java.time.Instant;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.future.GlobalRequestFuture;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.ServerFactoryManager;
import org.apache.sshd.server.session.ServerSessionImpl;
import org.apache.sshd.server.session.SessionFactory;

/**
 * MINA's server session, except that the gateway's keep-alives ({@link ClientKeepAlive}) and the client's replies
 * to them do not count as activity: otherwise every keep-alive would restart the idle timeout (MINA counts every
 * packet either way) and no session would ever be idle.
 */
final class KeepAliveAwareSession extends ServerSessionImpl {

    private KeepAliveAwareSession(ServerFactoryManager server, IoSession io) throws Exception {
        super(server, io);
    }

    /** The factory for the bastion's {@code SshServer}. */
    static SessionFactory factory(ServerFactoryManager server) {
        return new SessionFactory(server) {
            @Override
            protected ServerSessionImpl doCreateSession(IoSession io) throws Exception {
                return new KeepAliveAwareSession(getServer(), io);
            }
        };
    }

    /** Sends a global request that wants a reply, leaving the idle timeout where it was. */
    void keepAlive(String request, GlobalRequestFuture.ReplyHandler replies) throws Exception {
        Buffer buffer = createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, request.length() + 16);
        buffer.putString(request);
        buffer.putBoolean(true);
        Instant idleSince = idleStart;
        request(buffer, request, replies);
        idleStart = idleSince;
    }

    @Override
    protected void doHandleMessage(Buffer buffer) throws Exception {
        int command = buffer.rawByte(buffer.rpos()) & 0xFF;
        Instant idleSince = idleStart;
        super.doHandleMessage(buffer);
        if (command == SshConstants.SSH_MSG_REQUEST_SUCCESS || command == SshConstants.SSH_MSG_REQUEST_FAILURE) {
            idleStart = idleSince;
        }
    }
}
