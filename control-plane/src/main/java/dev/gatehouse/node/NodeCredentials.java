package dev.gatehouse.node;

import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.controlplane.config.OwnerOnly;
import dev.gatehouse.pki.x509.Pem;
import dev.gatehouse.pki.x509.TlsIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * What a bastion node keeps in {@code <data-dir>/node/}: its client key and certificate (from the control plane's
 * X.509 CA), the CA certificate it trusts the control plane by, and the Ed25519 key that signs its recordings'
 * checkpoints. No CA private key and no database credential: those stay with the control plane.
 */
final class NodeCredentials {

    private final Path dir;

    NodeCredentials(Path dataDir) throws IOException {
        this.dir = OwnerOnly.directory(dataDir.resolve("node"));
    }

    Path dir() {
        return dir;
    }

    boolean enrolled() {
        return Files.exists(dir.resolve("client.pem")) && Files.exists(dir.resolve("client-key.pem"))
                && Files.exists(dir.resolve("ca.pem"));
    }

    TlsIdentity identity() throws IOException {
        PrivateKey key = Pem.privateKey(Files.readString(dir.resolve("client-key.pem"), StandardCharsets.US_ASCII));
        return new TlsIdentity(key, Pem.certificates(Files.readString(dir.resolve("client.pem"),
                StandardCharsets.US_ASCII)));
    }

    X509Certificate ca() throws IOException {
        return Pem.certificate(Files.readString(dir.resolve("ca.pem"), StandardCharsets.US_ASCII));
    }

    /** Stores a new identity; the key file is written owner-only and replaced atomically. */
    void save(PrivateKey key, List<X509Certificate> chain, X509Certificate ca) throws IOException {
        Objects.requireNonNull(ca, "ca");
        replace("ca.pem", Pem.encode(ca));
        replace("client-key.pem", Pem.encode(key));
        replace("client.pem", Pem.encode(chain.toArray(X509Certificate[]::new)));
    }

    /** The recording key: made once, kept across restarts (earlier recordings' checkpoints name it). */
    AuditKey recordingKey() throws IOException {
        Path file = dir.resolve("recording-key");
        try {
            KeyFactory keys = KeyFactory.getInstance("Ed25519");
            if (!Files.exists(file)) {
                KeyPair fresh = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                Base64.Encoder base64 = Base64.getEncoder();
                replace("recording-key", base64.encodeToString(fresh.getPrivate().getEncoded()) + "\n"
                        + base64.encodeToString(fresh.getPublic().getEncoded()) + "\n");
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
            Base64.Decoder base64 = Base64.getDecoder();
            return AuditKey.of(new KeyPair(keys.generatePublic(new X509EncodedKeySpec(base64.decode(lines.get(1)))),
                    keys.generatePrivate(new PKCS8EncodedKeySpec(base64.decode(lines.get(0))))));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException(file + " holds no Ed25519 recording key (" + e.getMessage() + "); remove it to make a"
                    + " new one", e);
        }
    }

    private void replace(String name, String content) throws IOException {
        Path temporary = dir.resolve(name + ".new");
        Files.deleteIfExists(temporary);
        OwnerOnly.createFile(temporary, content);
        Files.move(temporary, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
