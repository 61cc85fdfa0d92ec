package dev.gatehouse.sshproxy.forward;

import dev.gatehouse.sshproxy.access.GatewayUser;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands a ProxyJump's context to the inner SSH session. The bastion terminates the inner SSH by connecting to itself
 * over loopback; the local port of that connection (unique while it is open, and chosen before connecting) is the key.
 */
public final class JumpRegistry {

    /**
     * The outer session's person and the target name the client asked to jump to; {@code approvedInBrowser}: the
     * outer login was approved in the browser, which then covers the inner one.
     */
    public record Jump(GatewayUser user, String targetName, String source, boolean approvedInBrowser) {
    }

    private final Map<Integer, Jump> pending = new ConcurrentHashMap<>();

    void expect(int localPort, Jump jump) {
        pending.put(localPort, jump);
    }

    void forget(int localPort) {
        pending.remove(localPort);
    }

    /** The jump arriving from this loopback port, if any; each is claimed once. */
    public Optional<Jump> claim(int remotePort) {
        return Optional.ofNullable(pending.remove(remotePort));
    }
}
