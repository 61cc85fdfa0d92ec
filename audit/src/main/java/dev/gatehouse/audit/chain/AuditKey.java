package dev.gatehouse.audit.chain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The Ed25519 key that signs checkpoints and manifests. Verification needs only the public half
 * ({@link #verifierOnly}); its id is the first 16 hex digits of SHA-256 over the encoded public key.
 */
public final class AuditKey {

    private final PublicKey publicKey;
    private final PrivateKey privateKey;
    private final String id;

    private AuditKey(PublicKey publicKey, PrivateKey privateKey) {
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
        if (!"Ed25519".equals(publicKey.getAlgorithm()) && !"EdDSA".equals(publicKey.getAlgorithm())) {
            throw new IllegalArgumentException("the audit key must be Ed25519, was " + publicKey.getAlgorithm());
        }
        this.privateKey = privateKey;
        byte[] digest = ChainHash.sha256(publicKey.getEncoded(), 0, publicKey.getEncoded().length);
        this.id = HexFormat.of().formatHex(digest, 0, 8);
    }

    public static AuditKey of(KeyPair pair) {
        return new AuditKey(pair.getPublic(), Objects.requireNonNull(pair.getPrivate(), "private key"));
    }

    public static AuditKey verifierOnly(PublicKey publicKey) {
        return new AuditKey(publicKey, null);
    }

    /** A verifier from the X.509 (SubjectPublicKeyInfo) encoding of the public key. */
    public static AuditKey verifierOnly(byte[] x509PublicKey) {
        try {
            return verifierOnly(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509PublicKey)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** A fresh key; for tests and first start (the control plane keeps the real one sealed). */
    public static AuditKey generate() {
        try {
            return of(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519", e);
        }
    }

    public String id() {
        return id;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public byte[] sign(String statement) {
        if (privateKey == null) {
            throw new IllegalStateException("audit key " + id + " is verify-only");
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(statement.getBytes(StandardCharsets.UTF_8));
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the audit key: " + e.getMessage(), e);
        }
    }

    public boolean verify(String statement, byte[] signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(publicKey);
            s.update(statement.getBytes(StandardCharsets.UTF_8));
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
