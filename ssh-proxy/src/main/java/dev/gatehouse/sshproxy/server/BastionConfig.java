package dev.gatehouse.sshproxy.server;

import dev.gatehouse.sshproxy.proxyprotocol.ProxyProtocolSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The bastion's settings, validated once at construction.
 *
 * @param bindAddress the address to listen on ({@code 0.0.0.0} for all)
 * @param port the SSH port; 0 picks a free one (tests)
 * @param hostKeyDirectory where the bastion's host key is kept across restarts
 * @param hostNames the names clients use to reach the bastion: the principals of its host certificate
 * @param connectTimeout how long dialing a target may take before the user is told it is unreachable
 * @param allowedEnv environment variables passed on to targets; a trailing {@code *} matches a prefix
 * @param idleTimeout a session without traffic for this long is closed (with a message)
 * @param maxSessionsPerUser concurrent target sessions one person may hold
 * @param failMode what to do with new sessions while recording is unavailable
 * @param authLimits how failed authentications and unauthenticated connections are bounded
 * @param proxyProtocol whether connections from a load balancer start with a PROXY header naming the client
 * @param keepAlive how often the bastion asks a client whether it is still there; after {@link #KEEP_ALIVE_MISSES}
 *         unanswered asks the connection counts as lost (a detachable shell is then kept for re-attach)
 */
public record BastionConfig(String bindAddress, int port, Path hostKeyDirectory, List<String> hostNames,
                            Duration connectTimeout, Set<String> allowedEnv, Duration idleTimeout,
                            int maxSessionsPerUser, FailMode failMode, AuthLimits authLimits,
                            ProxyProtocolSettings proxyProtocol, Duration keepAlive) {

    /** Unanswered keep-alives after which a client connection counts as lost (OpenSSH's ClientAliveCountMax). */
    public static final int KEEP_ALIVE_MISSES = 3;

    /**
     * Bounds on what a client may cost before it has authenticated.
     *
     * @param failuresPerAddress failed authentications from one address within {@code failureWindow} before that
     *         address is refused until the window ends
     * @param failuresPerAddressAndUser the same for one user name from one address
     * @param failureWindow how long a failure counts
     * @param trackedKeys how many (address) and (address, user) counters are kept at most
     * @param unauthenticatedPerAddress concurrent connections from one address that have not authenticated yet
     * @param unauthenticatedTotal the same over all addresses
     * @param refusalInterval repeated refusals from one address are written as one audit event per interval
     */
    public record AuthLimits(int failuresPerAddress, int failuresPerAddressAndUser, Duration failureWindow,
                             int trackedKeys, int unauthenticatedPerAddress, int unauthenticatedTotal,
                             Duration refusalInterval) {

        public AuthLimits {
            Objects.requireNonNull(failureWindow, "failureWindow");
            Objects.requireNonNull(refusalInterval, "refusalInterval");
            atLeastOne("gatehouse.ssh.auth.failures-per-address", failuresPerAddress);
            atLeastOne("gatehouse.ssh.auth.failures-per-address-and-user", failuresPerAddressAndUser);
            atLeastOne("gatehouse.ssh.auth.tracked-keys", trackedKeys);
            atLeastOne("gatehouse.ssh.auth.unauthenticated-per-address", unauthenticatedPerAddress);
            atLeastOne("gatehouse.ssh.auth.unauthenticated-total", unauthenticatedTotal);
            if (failureWindow.isNegative() || failureWindow.isZero()) {
                throw new IllegalArgumentException("gatehouse.ssh.auth.failure-window must be positive");
            }
            if (refusalInterval.isNegative() || refusalInterval.isZero()) {
                throw new IllegalArgumentException("gatehouse.ssh.auth.refusal-interval must be positive");
            }
        }

        /** 50 failures per address and 10 per (address, user) in 5 minutes; 20 unauthenticated per address, 200 in all. */
        public static AuthLimits defaults() {
            return new AuthLimits(50, 10, Duration.ofMinutes(5), 10_000, 20, 200, Duration.ofMinutes(1));
        }

        private static void atLeastOne(String setting, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(setting + " must be at least 1, was " + value);
            }
        }
    }

    /** {@code gatehouse.recording.fail-mode}: refuse new sessions when they cannot be recorded, or let them in. */
    public enum FailMode { CLOSED, OPEN }

    public BastionConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(hostKeyDirectory, "hostKeyDirectory");
        hostNames = List.copyOf(hostNames);
        allowedEnv = Set.copyOf(allowedEnv);
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(failMode, "gatehouse.recording.fail-mode must be closed or open");
        Objects.requireNonNull(authLimits, "authLimits");
        Objects.requireNonNull(proxyProtocol, "proxyProtocol");
        Objects.requireNonNull(keepAlive, "keepAlive");
        if (keepAlive.isNegative() || keepAlive.isZero()) {
            throw new IllegalArgumentException("keepAlive must be positive");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("gatehouse.ssh.port must be within 0..65535, was " + port);
        }
        if (hostNames.isEmpty()) {
            throw new IllegalArgumentException("gatehouse.ssh.host-names must name at least one host name of the gateway");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("gatehouse.ssh.connect-timeout must be positive");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("gatehouse.ssh.idle-timeout must be positive");
        }
        if (maxSessionsPerUser < 1) {
            throw new IllegalArgumentException("gatehouse.ssh.max-sessions-per-user must be at least 1");
        }
    }

    /**
     * Defaults: connect timeout 4 s (users hear about a dead target within 5 s), LANG and LC_* passed on, a keep-alive
     * every 15 s (a silently dead connection is found within a minute).
     */
    public static BastionConfig defaults(Path hostKeyDirectory, int port, List<String> hostNames) {
        return new BastionConfig("0.0.0.0", port, hostKeyDirectory, hostNames, Duration.ofSeconds(4),
                Set.of("LANG", "LC_*"), Duration.ofMinutes(30), 20, FailMode.CLOSED, AuthLimits.defaults(),
                ProxyProtocolSettings.disabled(), Duration.ofSeconds(15));
    }

    public BastionConfig withBindAddress(String address) {
        return new BastionConfig(address, port, hostKeyDirectory, hostNames, connectTimeout, allowedEnv, idleTimeout,
                maxSessionsPerUser, failMode, authLimits, proxyProtocol, keepAlive);
    }

    public BastionConfig withConnectTimeout(Duration timeout) {
        return new BastionConfig(bindAddress, port, hostKeyDirectory, hostNames, timeout, allowedEnv, idleTimeout,
                maxSessionsPerUser, failMode, authLimits, proxyProtocol, keepAlive);
    }

    public BastionConfig withLimits(Duration idle, int maxSessions) {
        return new BastionConfig(bindAddress, port, hostKeyDirectory, hostNames, connectTimeout, allowedEnv, idle,
                maxSessions, failMode, authLimits, proxyProtocol, keepAlive);
    }

    public BastionConfig withFailMode(FailMode mode) {
        return new BastionConfig(bindAddress, port, hostKeyDirectory, hostNames, connectTimeout, allowedEnv,
                idleTimeout, maxSessionsPerUser, mode, authLimits, proxyProtocol, keepAlive);
    }

    public BastionConfig withAuthLimits(AuthLimits limits) {
        return new BastionConfig(bindAddress, port, hostKeyDirectory, hostNames, connectTimeout, allowedEnv,
                idleTimeout, maxSessionsPerUser, failMode, limits, proxyProtocol, keepAlive);
    }

    public BastionConfig withProxyProtocol(ProxyProtocolSettings settings) {
        return new BastionConfig(bindAddress, port, hostKeyDirectory, hostNames, connectTimeout, allowedEnv,
                idleTimeout, maxSessionsPerUser, failMode, authLimits, settings, keepAlive);
    }

    public BastionConfig withKeepAlive(Duration interval) {
        return new BastionConfig(bindAddress, port, hostKeyDirectory, hostNames, connectTimeout, allowedEnv,
                idleTimeout, maxSessionsPerUser, failMode, authLimits, proxyProtocol, interval);
    }

    /** Whether an environment variable the client sent may be passed on to the target. */
    public boolean passesEnv(String name) {
        for (String pattern : allowedEnv) {
            if (pattern.endsWith("*") ? name.startsWith(pattern.substring(0, pattern.length() - 1))
                    : pattern.equals(name)) {
                return true;
            }
        }
        return false;
    }
}
