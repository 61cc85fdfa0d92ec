package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.access.Reachable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.channel.ChannelSession;

/**
 * What {@code ssh -p 2222 alice@gw} shows: the hosts and logins this person may use, and how to reach them. On a
 * terminal it also offers a choice and, once made, carries on as a session to the chosen login and host. Detached
 * sessions of the person come first and can be re-attached; for {@code root@web-01@gw} with several detached there,
 * only those are listed, with a new session as the last choice. On a terminal the last choice of the full menu asks
 * for a role for a while (an access request).
 */
final class MenuCommand extends BastionCommand {

    private static final int MAX_ANSWER = 16;

    private final AccessDecider decider;
    private final String gatewayName;
    private final int port;
    private final MenuChoice choice;
    private final List<DetachedSessions.Held> detached;
    private final Route.ToTarget only;
    private volatile BastionCommand chosen;

    /** Turns a chosen login and host, or a detached session, into the command that carries on. */
    interface MenuChoice {
        BastionCommand connect(ChannelSession channel, Route.ToTarget route);

        BastionCommand reattach(ChannelSession channel, DetachedSessions.Held held);
    }

    /** The last choice on a terminal: ask for a role for a while. */
    static final String REQUEST_ACCESS = "request access to a role";

    /** One numbered line of the menu and what choosing it runs (null: the access request prompt). */
    private record Option(String label, java.util.function.Function<ChannelSession, BastionCommand> command) {
    }

    /** {@code only}: the login and host the user name named (its detached sessions are listed), or null for all. */
    MenuCommand(AccessDecider decider, String gatewayName, int port, MenuChoice choice,
                List<DetachedSessions.Held> detached, Route.ToTarget only) {
        this.decider = Objects.requireNonNull(decider, "decider");
        this.gatewayName = Objects.requireNonNull(gatewayName, "gatewayName");
        this.port = port;
        this.choice = Objects.requireNonNull(choice, "choice");
        this.detached = List.copyOf(detached);
        this.only = only;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        boolean terminal = env.getEnv().containsKey(Environment.ENV_TERM);
        GatewayUser user = channel.getSession().getAttribute(SessionKeys.USER);
        Thread.ofVirtual().start(() -> {
            try {
                String newline = terminal ? "\r\n" : "\n";
                List<Option> options = new ArrayList<>();
                detached.forEach(held -> options.add(new Option("re-attach " + held.connection().route().login()
                        + "@" + held.connection().route().host() + " (from "
                        + ReattachCommand.CLOCK.format(held.activity().startedAt()) + ", detached "
                        + ReattachCommand.describe(java.time.Duration.between(held.detachedAt(),
                                java.time.Instant.now())) + " ago)", ch -> choice.reattach(ch, held))));
                if (only == null) {
                    List<Reachable> reachable = decider.reachable(user);
                    write(render(user, reachable, newline));
                    options(reachable).forEach(route -> options.add(new Option(route.login() + "@" + route.host(),
                            ch -> choice.connect(ch, route))));
                    if (terminal) {
                        options.add(new Option(REQUEST_ACCESS, null));
                    }
                } else {
                    write(user.username() + ", " + detached.size() + " detached sessions of yours wait on "
                            + only.login() + "@" + only.host() + "; " + only.login() + Route.FRESH_SUFFIX + "@"
                            + only.host() + " always starts a new one" + newline);
                    options.add(new Option("a new session on " + only.login() + "@" + only.host(),
                            ch -> choice.connect(ch, only)));
                }
                if (!terminal || options.isEmpty()) {
                    for (Option option : options.subList(0, detached.size())) {
                        write("  " + option.label() + newline);
                    }
                    exit.onExit(0);
                    return;
                }
                for (int i = 0; i < options.size(); i++) {
                    write("  " + (i + 1) + ") " + options.get(i).label() + newline);
                }
                write("Choose a number (q to quit): ");
                Option picked = pick(options, TerminalAnswer.read(in, out, MAX_ANSWER,
                        c -> (c >= '0' && c <= '9') || c == 'q'));
                write(newline);
                if (picked == null) {
                    exit.onExit(0);
                    return;
                }
                if (picked.command() == null) {
                    new AccessRequestPrompt(in, out, newline).run(decider, user);
                    exit.onExit(0);
                    return;
                }
                BastionCommand relay = picked.command().apply(channel);
                relay.setInputStream(in);
                relay.setOutputStream(out);
                relay.setErrorStream(err);
                relay.setExitCallback(exit);
                chosen = relay;
                relay.start(channel, env);
            } catch (IOException e) {
                exit.onExit(255, "client went away");
            }
        });
    }

    private static List<Route.ToTarget> options(List<Reachable> reachable) {
        List<Route.ToTarget> options = new ArrayList<>();
        reachable.forEach(r -> r.logins().forEach(login -> options.add(new Route.ToTarget(login, r.host()))));
        return options;
    }

    private static Option pick(List<Option> options, String answer) {
        try {
            int index = Integer.parseInt(answer.trim());
            return index >= 1 && index <= options.size() ? options.get(index - 1) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
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
    public void destroy(ChannelSession channel) throws Exception {
        BastionCommand relay = chosen;
        if (relay != null) {
            relay.destroy(channel);
        }
    }
}
