package dev.gatehouse.agent.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * What the gateway may reach through this agent; everything else is refused, whatever the gateway asks. A name is
 * resolved once and the agent connects to the very address it checked, so DNS cannot swap the target afterwards.
 */
public final class AllowList {

    /** The outcome of a check: the address to connect to, or why the dial is refused. */
    public record Decision(InetSocketAddress address, String refusal) {
        public boolean allowed() {
            return refusal == null;
        }
    }

    private final List<AllowRule> rules;

    public AllowList(List<AllowRule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static AllowList parse(List<String> entries) {
        return new AllowList(entries.stream().filter(e -> !e.isBlank()).map(AllowRule::parse).toList());
    }

    public List<AllowRule> rules() {
        return rules;
    }

    /** Decides a dial to {@code host:port}; may resolve DNS, so call it off the event loop. */
    public Decision check(String host, int port) {
        String where = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        String asked = host + ":" + port;
        InetAddress literal = AllowRule.literal(where);
        if (literal != null) {
            boolean allowed = rules.stream().anyMatch(rule -> rule.allowsPort(port) && rule.contains(literal));
            return allowed ? new Decision(new InetSocketAddress(literal, port), null)
                    : new Decision(null, asked + " is not in the agent's allow-list");
        }
        boolean nameAllowed = rules.stream().anyMatch(rule -> rule.allowsPort(port) && rule.matchesName(where));
        InetAddress[] resolved;
        try {
            resolved = InetAddress.getAllByName(where);
        } catch (UnknownHostException e) {
            return new Decision(null, nameAllowed ? asked + ": unknown host"
                    : asked + " is not in the agent's allow-list");
        }
        for (InetAddress address : resolved) {
            if (nameAllowed || rules.stream().anyMatch(rule -> rule.allowsPort(port) && rule.contains(address))) {
                return new Decision(new InetSocketAddress(address, port), null);
            }
        }
        return new Decision(null, asked + " is not in the agent's allow-list");
    }

    @Override
    public String toString() {
        return rules.toString();
    }
}
