package dev.gatehouse.pki.ssh;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * A signed OpenSSH certificate. Pair {@link #certificate()} with the subject's private key to log in with MINA SSHD,
 * or write {@link #toOpenSshLine()} to a {@code -cert.pub} file for OpenSSH.
 *
 * @param certificate the certificate as MINA SSHD models it
 * @param serial      the serial number, unique per certificate authority
 */
public record IssuedCertificate(OpenSshCertificate certificate, long serial) {

    public IssuedCertificate {
        Objects.requireNonNull(certificate, "certificate");
    }

    /** The {@code ...-cert-v01@openssh.com base64} line OpenSSH reads as a certificate file. */
    public String toOpenSshLine() {
        return PublicKeyEntry.toString(certificate);
    }

    /**
     * The identity a MINA SSHD client logs in with: this certificate as the public half and the subject's private key
     * ({@code session.addPublicKeyIdentity(issued.identity(subjectPrivateKey))}).
     */
    public KeyPair identity(PrivateKey subjectPrivateKey) {
        Objects.requireNonNull(subjectPrivateKey, "subjectPrivateKey");
        return new KeyPair(certificate,
                Ed25519Keys.forMina(new KeyPair(certificate.getCertPubKey(), subjectPrivateKey)).getPrivate());
    }

    public String keyId() {
        return certificate.getId();
    }

    public List<String> principals() {
        return List.copyOf(certificate.getPrincipals());
    }

    public Instant validAfter() {
        return Instant.ofEpochSecond(certificate.getValidAfter());
    }

    public Instant validBefore() {
        return Instant.ofEpochSecond(certificate.getValidBefore());
    }
}
