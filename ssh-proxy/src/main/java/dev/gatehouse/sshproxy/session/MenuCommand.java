package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.access.Reachable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.channel.ChannelSession;

/** What {@code ssh -p 2222 alice@gw} shows: the hosts and logins this person may use, and how to reach them. */
final class MenuCommand extends BastionCommand {

    private final AccessDecider decider;
    private final String gatewayName;
    private final int port;

    MenuCommand(AccessDecider decider, String gatewayName, int port) {
        this.decider = Objects.requireNonNull(decider, "decider");
        this.gatewayName = Objects.requireNonNull(gatewayName, "gatewayName");
        this.port = port;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        boolean terminal = env.getEnv().containsKey(Environment.ENV_TERM);
        GatewayUser user = channel.getSession().getAttribute(SessionKeys.USER);
        Thread.ofVirtual().start(() -> {
            try {
                out.write(render(user, decider.reachable(user), terminal ? "\r\n" : "\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                exit.onExit(0);
            } catch (IOException e) {
                exit.onExit(255, "client went away");
            }
        });
    }

    String render(GatewayUser user, List<Reachable> reachable, String newline) {
        StringBuilder text = new StringBuilder();
        if (reachable.isEmpty()) {
            text.append(user.username()).append(", no host is open to you through this gateway.").append(newline);
            return text.toString();
        }
        text.append(user.username()).append(", you may log in to:").append(newline);
        int width = reachable.stream().mapToInt(r -> r.host().length()).max().orElse(0);
        for (Reachable entry : reachable) {
            text.append("  ").append(String.format("%-" + width + "s", entry.host())).append("  as ")
                    .append(String.join(", ", entry.logins())).append(newline);
        }
        Reachable first = reachable.get(0);
        String example = first.logins().isEmpty() ? "LOGIN" : first.logins().get(0);
        text.append("Connect with: ssh -J ").append(user.username()).append('@').append(gatewayName).append(':')
                .append(port).append(' ').append(example).append('@').append(first.host()).append(newline)
                .append("          or: ssh -p ").append(port).append(' ').append(example).append('@')
                .append(first.host()).append('@').append(gatewayName).append(newline);
        return text.toString();
    }

    @Override
    public void destroy(ChannelSession channel) {
        // nothing held
    }
}
