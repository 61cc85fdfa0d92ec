package dev.gatehouse.pki.ssh;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Ed25519 keys as MINA SSHD needs them. MINA encodes and signs with Ed25519 keys only in its own provider's classes
 * (Bouncy Castle here), while the JDK and {@code seal.PrivateKeys} produce the JDK's classes; these conversions let
 * either kind in. Other key types pass through unchanged.
 */
public final class Ed25519Keys {

    private Ed25519Keys() {
    }

    /** True for an Ed25519 key of any provider. */
    public static boolean isEd25519(Key key) {
        String algorithm = key.getAlgorithm();
        return "Ed25519".equalsIgnoreCase(algorithm) || "EdDSA".equalsIgnoreCase(algorithm);
    }

    /** A fresh Ed25519 key pair MINA can sign with, e.g. the bastion's per-session login key. */
    public static KeyPair generate() {
        try {
            return forMina(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate Ed25519 keys", e);
        }
    }

    /** Returns the key as MINA can use it; keys of other types are returned unchanged. */
    public static PublicKey forMina(PublicKey key) {
        if (!isEd25519(key) || SecurityUtils.getEDDSAPublicKeyType().isInstance(key)) {
            return key;
        }
        try {
            return factory().generatePublic(new X509EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** Returns the pair as MINA can use it; pairs of other types are returned unchanged. */
    public static KeyPair forMina(KeyPair pair) {
        PrivateKey privateKey = pair.getPrivate();
        if (isEd25519(privateKey) && !SecurityUtils.getEDDSAPrivateKeyType().isInstance(privateKey)) {
            try {
                privateKey = factory().generatePrivate(new PKCS8EncodedKeySpec(privateKey.getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot read the Ed25519 private key: " + e.getMessage(), e);
            }
        }
        return new KeyPair(forMina(pair.getPublic()), privateKey);
    }

    private static KeyFactory factory() throws GeneralSecurityException {
        return SecurityUtils.getKeyFactory(SecurityUtils.EDDSA);
    }
}
