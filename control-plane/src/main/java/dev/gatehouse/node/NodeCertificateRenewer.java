package dev.gatehouse.node;

import dev.gatehouse.pki.x509.TlsIdentity;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the node's client certificate at two thirds of its lifetime, as agents do, with a fresh key each time;
 * retries every minute while the control plane cannot be reached. New calls use the new certificate at once.
 */
final class NodeCertificateRenewer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeCertificateRenewer.class);

    private final ControlPlaneClient client;
    private final NodeCredentials credentials;
    private final String name;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("node-certificate-renewer").daemon(true).factory());

    NodeCertificateRenewer(ControlPlaneClient client, NodeCredentials credentials, String name, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.name = Objects.requireNonNull(name, "name");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    NodeCertificateRenewer start() throws IOException {
        schedule(credentials.identity().chain().getFirst());
        return this;
    }

    /** Two thirds into the certificate's life; a minute from now when that has passed. */
    static Instant renewalTime(X509Certificate certificate, Instant now) {
        Instant from = certificate.getNotBefore().toInstant();
        Instant at = from.plus(Duration.between(from, certificate.getNotAfter().toInstant()).multipliedBy(2)
                .dividedBy(3));
        return at.isAfter(now) ? at : now.plus(Duration.ofMinutes(1));
    }

    private void schedule(X509Certificate certificate) {
        Instant now = clock.instant();
        Instant at = renewalTime(certificate, now);
        log.info("node certificate valid until {}; renewal at {}", certificate.getNotAfter().toInstant(), at);
        timer.schedule(this::renew, Math.max(0, Duration.between(now, at).toMillis()), TimeUnit.MILLISECONDS);
    }

    private void renew() {
        try {
            TlsIdentity renewed = NodeEnroller.renew(client, credentials, name);
            client.use(ControlPlaneClient.mutual(renewed, credentials.ca()));
            log.info("node certificate renewed (serial {})", renewed.chain().getFirst().getSerialNumber().toString(16));
            schedule(renewed.chain().getFirst());
        } catch (IOException | RuntimeException e) {
            log.warn("node certificate renewal failed: {}; retrying in 1 minute", e.getMessage());
            timer.schedule(this::renew, 1, TimeUnit.MINUTES);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
