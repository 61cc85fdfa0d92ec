package dev.gatehouse.controlplane.bastion;

import dev.gatehouse.audit.recording.ForwardFlow;
import dev.gatehouse.sshproxy.events.Activity;
import dev.gatehouse.sshproxy.events.BastionListener;
import dev.gatehouse.sshproxy.events.Denial;
import dev.gatehouse.sshproxy.events.SessionInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bastion's meters, fed by its listener events (out of the data path): live sessions, sessions started, refusals
 * by the kind of request refused, bytes relayed each way, and session set-up time from authentication to a ready
 * target session (dial, certificate, upstream login).
 */
public final class BastionMeters implements BastionListener {

    /** Authentications waiting for their session; more are dropped oldest first (a menu user never starts one). */
    private static final int PENDING_SETUPS = 10_000;

    private final MeterRegistry registry;
    private final AtomicInteger live = new AtomicInteger();
    private final Counter started;
    private final Counter toClient;
    private final Counter toTarget;
    private final Timer setup;
    private final Map<String, Long> authenticatedAt = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > PENDING_SETUPS;
        }
    };

    public BastionMeters(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        Gauge.builder("gatehouse.ssh.sessions.live", live, AtomicInteger::get)
                .description("Target sessions open on this bastion").register(registry);
        started = Counter.builder("gatehouse.ssh.sessions.started").description("Target sessions started")
                .register(registry);
        toClient = bytes("to_client");
        toTarget = bytes("to_target");
        setup = Timer.builder("gatehouse.ssh.session.setup")
                .description("From authentication to a ready target session (dial, certificate, upstream login)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
    }

    private Counter bytes(String direction) {
        return Counter.builder("gatehouse.ssh.relayed").baseUnit("bytes").tag("direction", direction)
                .description("Bytes relayed between engineers and targets (sessions and forwards)").register(registry);
    }

    @Override
    public void denied(SessionInfo session, Denial denial) {
        Counter.builder("gatehouse.ssh.sessions.refused").tag("reason", reasonTag(denial.request()))
                .description("Refusals by the kind of request refused").register(registry).increment();
    }

    /** A bounded tag: the request's kind ({@code auth}, {@code connect}, {@code login}, {@code forward}, ...). */
    static String reasonTag(String request) {
        String[] words = request.split(" ", 3);
        String kind = words[0].equals("auth") && words.length > 1 && words[1].equals("connect") ? "connect" : words[0];
        return kind.matches("[a-z-]{1,32}") ? kind : "other";
    }

    @Override
    public void authenticated(String username, String source, String keyFingerprint) {
        synchronized (authenticatedAt) {
            authenticatedAt.put(source, System.nanoTime());
        }
    }

    @Override
    public void sessionStarted(SessionInfo session) {
        live.incrementAndGet();
        started.increment();
        Long at;
        synchronized (authenticatedAt) {
            at = authenticatedAt.remove(session.source());
        }
        if (at != null) {
            setup.record(Duration.ofNanos(System.nanoTime() - at));
        }
    }

    @Override
    public void sessionEnded(SessionInfo session, String reason) {
        live.decrementAndGet();
    }

    @Override
    public void output(Activity activity, byte[] data, int offset, int length) {
        toClient.increment(length);
    }

    @Override
    public void errorOutput(Activity activity, byte[] data, int offset, int length) {
        toClient.increment(length);
    }

    @Override
    public void input(Activity activity, byte[] data, int offset, int length) {
        toTarget.increment(length);
    }

    @Override
    public void flow(Activity activity, ForwardFlow flow) {
        toClient.increment((double) flow.bytesFromTarget());
        toTarget.increment((double) flow.bytesToTarget());
    }
}
