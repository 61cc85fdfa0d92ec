package dev.gatehouse.sshproxy.forward;

import dev.gatehouse.sshproxy.dial.DialedConnection;
import dev.gatehouse.sshproxy.events.BastionListener;
import dev.gatehouse.sshproxy.events.Denial;
import dev.gatehouse.sshproxy.events.SourceAddress;
import dev.gatehouse.sshproxy.session.SessionKeys;
import dev.gatehouse.sshproxy.session.TargetConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;

/**
 * Agent forwarding ({@code -A}) inside a target session: each {@code auth-agent@openssh.com} channel the target opens
 * is relayed to the client's agent, only when the client asked for it and a role granting the login allows it (the
 * upstream session asks the target for agent forwarding only then, see {@code RelayCommand}).
 */
public final class AgentForwards implements ChannelEndpoint {

    private final BastionListener listener;
    private final Duration timeout;

    public AgentForwards(BastionListener listener, Duration timeout) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** The upstream client's factory for agent channels the targets open. */
    public ChannelFactory agentChannels() {
        return new ChannelFactory() {
            @Override
            public String getName() {
                return "auth-agent@openssh.com";
            }

            @Override
            public Channel createChannel(Session session) {
                return new ForwardChannel(AgentForwards.this, false);
            }
        };
    }

    @Override
    public DialedConnection open(ForwardChannel channel, String host, int port, String originator) throws IOException {
        TargetConnection carrier = channel.getSession().getAttribute(SessionKeys.CARRIER);
        if (carrier == null) {
            throw new ForwardRefusedException("no gateway session for this agent channel");
        }
        boolean requested = carrier.downstream().getAttribute(SessionKeys.AGENT_REQUESTED) != null;
        if (!requested || !carrier.target().forwarding().agent()) {
            // The target asked without being offered an agent: a misbehaving or hostile target.
            String reason = "agent channel from " + carrier.target().name() + " refused: agent forwarding was not "
                    + (requested ? "granted" : "requested");
            listener.denied(carrier.info(), new Denial(carrier.user().username(),
                    SourceAddress.of(carrier.downstream().getClientAddress()), "agent channel", reason));
            throw new ForwardRefusedException(reason);
        }
        return UpstreamForward.openAgent(carrier.downstream(), timeout);
    }

    @Override
    public void closed(ForwardChannel channel, long bytesToDestination, long bytesFromDestination) {
        // Agent traffic is signing requests, not a flow of the person's data: not recorded.
    }
}
