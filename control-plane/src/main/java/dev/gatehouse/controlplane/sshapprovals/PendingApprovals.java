package dev.gatehouse.controlplane.sshapprovals;

import dev.gatehouse.sshproxy.access.ApprovalRequest;
import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.GatewayUser;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * SSH logins waiting for approval in the browser, in memory: each under a short random code, used once, ended after
 * {@code ttl} by one shared timer (no thread per waiting login). Bounded per source address and in all, since anyone
 * who can reach the SSH port can ask.
 */
final class PendingApprovals {

    /** Letters and digits a person cannot confuse (no 0/O, 1/I/L): 31 symbols. */
    private static final String ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    /** 8 symbols, about 39 bits: unguessable within two minutes, and only the person it is for may answer anyway. */
    static final int CODE_LENGTH = 8;

    /** One login waiting; {@code outcome} completes once, when it is answered, expires or is withdrawn. */
    record Pending(String code, ApprovalRequest request, Instant requestedAt, Instant expiresAt,
            CompletableFuture<Decision<GatewayUser>> outcome) {}

    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Map<String, ScheduledFuture<?>> timers = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Duration ttl;
    private final int perAddress;
    private final int total;

    PendingApprovals(Clock clock, ScheduledExecutorService timer, Duration ttl, int perAddress, int total) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.perAddress = perAddress;
        this.total = total;
    }

    Duration ttl() {
        return ttl;
    }

    /**
     * Opens a pending approval; denied when the source address or the gateway has as many waiting as allowed.
     * {@code expired} is told about one that ended unanswered, after its outcome completed.
     */
    synchronized Decision<Pending> open(ApprovalRequest request, Consumer<Pending> expired) {
        String address = address(request.source());
        if (pending.size() >= total) {
            return Decision.deny("too many logins are waiting for approval; try again in a minute");
        }
        if (pending.values().stream().filter(p -> address(p.request().source()).equals(address)).count() >= perAddress) {
            return Decision.deny("too many logins from " + address + " are waiting for approval");
        }
        String code;
        do {
            code = newCode();
        } while (pending.containsKey(code));
        Instant now = clock.instant();
        Pending opened = new Pending(code, request, now, now.plus(ttl), new CompletableFuture<>());
        pending.put(code, opened);
        String key = code;
        timers.put(code, timer.schedule(() -> {
            Optional<Pending> ended = claim(key);
            ended.ifPresent(p -> {
                p.outcome().complete(Decision.deny("not approved within " + ttl.toSeconds() + " s"));
                expired.accept(p);
            });
        }, ttl.toMillis(), TimeUnit.MILLISECONDS));
        return Decision.allow(opened);
    }

    /** The approval waiting under {@code code}, if any. */
    synchronized Optional<Pending> find(String code) {
        return Optional.ofNullable(pending.get(code));
    }

    /** Takes the approval under {@code code} out, so that only one answer (or the expiry) ends it. */
    synchronized Optional<Pending> claim(String code) {
        Pending claimed = pending.remove(code);
        ScheduledFuture<?> expiry = timers.remove(code);
        if (expiry != null) {
            expiry.cancel(false);
        }
        return Optional.ofNullable(claimed);
    }

    synchronized int size() {
        return pending.size();
    }

    private String newCode() {
        StringBuilder code = new StringBuilder(CODE_LENGTH + 1);
        for (int i = 0; i < CODE_LENGTH; i++) {
            if (i == CODE_LENGTH / 2) {
                code.append('-');
            }
            code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }

    /** The address part of {@code host:port} or {@code [v6]:port}. */
    static String address(String source) {
        if (source.startsWith("[")) {
            int end = source.indexOf(']');
            return end > 0 ? source.substring(1, end) : source;
        }
        int colon = source.lastIndexOf(':');
        return colon > 0 && source.indexOf(':') == colon ? source.substring(0, colon) : source;
    }
}
