package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.access.GatewayUser;
import org.apache.sshd.server.session.ServerSession;

/**
 * A live gateway session as the per-person limit, the maximum length, terminate and revocation see it: a login to a
 * target ({@link TargetConnection}) or a connection that only forwards ({@link ForwardOnlySession}).
 */
public interface LiveSession {

    String sessionId();

    GatewayUser user();

    /** The engineer's incoming connection. */
    ServerSession downstream();

    /** Tells the person something where they can read it (an open channel's stderr), if anywhere. */
    void notice(String message);

    /** Ends the session's own part (upstream, flows) and records why; the incoming connection is the caller's. */
    void close(String reason);
}
