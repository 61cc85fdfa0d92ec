package dev.gatehouse.pki.ssh;

import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * An Ed25519 OpenSSH certificate authority: signs short-lived user certificates (the bastion's logins to targets,
 * trusted through sshd's {@code TrustedUserCAKeys}) and host certificates (trusted through a client's
 * {@code @cert-authority} known_hosts line).
 */
public final class SshCertificateAuthority {

    /** Certificates start this long before issue so a target whose clock runs a little behind still accepts them. */
    public static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofSeconds(30);

    private static final SecureRandom SERIALS = new SecureRandom();

    private final KeyPair keyPair;
    private final String comment;
    private final Clock clock;
    private final String publicKeyLine;

    private SshCertificateAuthority(KeyPair keyPair, String comment, Clock clock) {
        this.keyPair = keyPair;
        this.comment = comment;
        this.clock = clock;
        String keyLine = SshPublicKey.of(keyPair.getPublic(), "").openSshLine();
        this.publicKeyLine = comment.isEmpty() ? keyLine : keyLine + " " + comment;
    }

    /** Creates a CA with a fresh Ed25519 key; the comment ends the public key line (e.g. {@code gatehouse-user-ca}). */
    public static SshCertificateAuthority generate(String comment) {
        return of(Ed25519Keys.generate(), comment);
    }

    /** A CA from a stored Ed25519 key pair (see {@code seal.PrivateKeys}). */
    public static SshCertificateAuthority of(KeyPair keyPair, String comment) {
        Objects.requireNonNull(keyPair, "keyPair");
        if (!Ed25519Keys.isEd25519(keyPair.getPublic()) || !Ed25519Keys.isEd25519(keyPair.getPrivate())) {
            throw new IllegalArgumentException("an SSH certificate authority key must be Ed25519, got "
                    + keyPair.getPublic().getAlgorithm());
        }
        String checkedComment = comment == null ? "" : comment.strip();
        if (!checkedComment.isEmpty()) {
            CertificateFields.text(checkedComment, "CA comment");
        }
        return new SshCertificateAuthority(Ed25519Keys.forMina(keyPair), checkedComment, Clock.systemUTC());
    }

    /** The same CA reading time from another clock (tests issue already expired certificates this way). */
    public SshCertificateAuthority withClock(Clock replacement) {
        return new SshCertificateAuthority(keyPair, comment, Objects.requireNonNull(replacement, "clock"));
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    public PublicKey publicKey() {
        return keyPair.getPublic();
    }

    /** The line for sshd's {@code TrustedUserCAKeys} file: {@code ssh-ed25519 AAAA... comment}. */
    public String publicKeyLine() {
        return publicKeyLine;
    }

    /** The line a client puts in {@code known_hosts} to trust hosts certified by this CA, for any host name. */
    public String knownHostsLine() {
        return "@cert-authority * " + publicKeyLine;
    }

    /** {@code SHA256:...} of the CA key, as {@code ssh-keygen -l} and sshd's logs show it. */
    public String fingerprint() {
        return SshPublicKey.fingerprint(keyPair.getPublic());
    }

    /** Signs a user certificate. */
    public IssuedCertificate issueUser(UserCertificateRequest request) {
        Objects.requireNonNull(request, "request");
        OpenSshCertificateBuilder builder = OpenSshCertificateBuilder.userCertificate()
                .id(request.keyId())
                .extensions(request.extensions())
                .criticalOptions(request.criticalOptions());
        return sign(builder, request.subject(), request.principals(), request.validity());
    }

    /** Signs a host certificate. */
    public IssuedCertificate issueHost(HostCertificateRequest request) {
        Objects.requireNonNull(request, "request");
        OpenSshCertificateBuilder builder = OpenSshCertificateBuilder.hostCertificate()
                .id(request.principals().get(0));
        return sign(builder, request.hostKey(), request.principals(), request.validity());
    }

    private IssuedCertificate sign(OpenSshCertificateBuilder builder, PublicKey subject, Collection<String> principals,
            Duration validity) {
        if (subject instanceof OpenSshCertificate) {
            throw new IllegalArgumentException("the subject key is itself a certificate; certify the plain key");
        }
        Instant now = clock.instant();
        long serial = nextSerial();
        try {
            OpenSshCertificate certificate = builder
                    .publicKey(Ed25519Keys.forMina(subject))
                    .serial(serial)
                    .principals(principals)
                    .validAfter(now.minus(CLOCK_SKEW_ALLOWANCE))
                    .validBefore(now.plus(validity))
                    .sign(keyPair);
            return new IssuedCertificate(certificate, serial);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("signing the certificate failed: " + e.getMessage(), e);
        }
    }

    /** Random, positive and non-zero: unique in practice without coordination between gateway nodes. */
    private static long nextSerial() {
        long serial;
        do {
            serial = SERIALS.nextLong() & Long.MAX_VALUE;
        } while (serial == 0);
        return serial;
    }

    @Override
    public String toString() {
        return "SshCertificateAuthority[" + fingerprint() + (comment.isEmpty() ? "" : " " + comment) + "]";
    }

}
