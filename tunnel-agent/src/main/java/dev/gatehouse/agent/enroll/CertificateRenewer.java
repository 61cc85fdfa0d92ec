package dev.gatehouse.agent.enroll;

import dev.gatehouse.agent.tunnel.AgentCredentials;
import dev.gatehouse.agent.tunnel.TunnelAgent;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the agent certificate once two thirds of its lifetime have passed, with a fresh key pair each time;
 * retries every minute (sooner near expiry) while the gateway is unreachable.
 */
public final class CertificateRenewer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CertificateRenewer.class);

    private final AgentState state;
    private final TunnelAgent agent;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "certificate-renewer");
        thread.setDaemon(true);
        return thread;
    });

    public CertificateRenewer(AgentState state, TunnelAgent agent, Clock clock) {
        this.state = state;
        this.agent = agent;
        this.clock = clock;
    }

    public void start() throws IOException {
        schedule(state.credentials().chain().getFirst());
    }

    /**
     * When to renew {@code certificate}: at two thirds of its lifetime; if that is already past (a restart late in
     * its life, or a CA that back-dates notBefore), half-way through what is left, at most a minute from now, so
     * that a just-issued certificate never triggers back-to-back renewals.
     */
    public static Instant renewalTime(X509Certificate certificate, Instant now) {
        Instant from = certificate.getNotBefore().toInstant();
        Instant to = certificate.getNotAfter().toInstant();
        Instant twoThirds = from.plus(Duration.between(from, to).multipliedBy(2).dividedBy(3));
        if (twoThirds.isAfter(now)) {
            return twoThirds;
        }
        Duration half = Duration.between(now, to).dividedBy(2);
        return now.plus(half.isNegative() ? Duration.ZERO : half.compareTo(Duration.ofMinutes(1)) > 0
                ? Duration.ofMinutes(1) : half);
    }

    private void schedule(X509Certificate certificate) {
        Instant now = clock.instant();
        Instant at = renewalTime(certificate, now);
        log.info("agent certificate valid until {}; renewal at {}", certificate.getNotAfter().toInstant(), at);
        timer.schedule(this::renew, Math.max(0, Duration.between(now, at).toMillis()), TimeUnit.MILLISECONDS);
    }

    private void renew() {
        try {
            AgentCredentials current = state.credentials();
            Instant expiry = current.chain().getFirst().getNotAfter().toInstant();
            if (clock.instant().isAfter(expiry)) {
                log.error("agent certificate expired at {}; renewal is no longer possible: join again with a new token",
                        expiry);
                return;
            }
            String gateway = state.enrollment().gateway();
            Enroller.Issued issued = new Enroller(gateway, current.gatewayCas()).renew(current.key(), current.chain());
            state.saveCredentials(issued.keys().getPrivate(), issued.chain());
            agent.updateCredentials(new AgentCredentials(issued.keys().getPrivate(), issued.chain(),
                    current.gatewayCas()));
            log.info("agent certificate renewed (serial {})", issued.chain().getFirst().getSerialNumber().toString(16));
            schedule(issued.chain().getFirst());
        } catch (IOException | RuntimeException e) {
            log.warn("certificate renewal failed: {}; retrying in 1 minute", e.getMessage());
            timer.schedule(this::renew, 1, TimeUnit.MINUTES);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
