package dev.gatehouse.sshproxy.forward;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.AbstractServerSession;
import org.apache.sshd.server.session.ServerConnectionService;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;

/**
 * The connection service, changed in one respect: a refused channel open carries the gateway's reason ("no such
 * host web-99") instead of MINA's generic text, so OpenSSH prints it in the user's terminal.
 */
public final class ExplainedOpenFailures extends ServerConnectionServiceFactory {

    private static final AttributeKey<Map<Long, String>> REASONS = new AttributeKey<>();

    static void explain(Session session, long clientChannel, String reason) {
        session.computeAttributeIfAbsent(REASONS, k -> new ConcurrentHashMap<>()).put(clientChannel, reason);
    }

    @Override
    public Service create(Session session) throws IOException {
        ExplainingService service = new ExplainingService((AbstractServerSession) session);
        service.addPortForwardingEventListenerManager(this);
        return service;
    }

    private static final class ExplainingService extends ServerConnectionService {
        ExplainingService(AbstractServerSession session) throws IOException {
            super(session);
        }

        @Override
        protected IoWriteFuture sendChannelOpenFailure(Buffer buffer, long sender, int reasonCode, String message,
                                                       String lang) throws IOException {
            Map<Long, String> reasons = getSession().getAttribute(REASONS);
            String reason = reasons == null ? null : reasons.remove(sender);
            return super.sendChannelOpenFailure(buffer, sender, reasonCode, reason != null ? reason : message, lang);
        }
    }
}
