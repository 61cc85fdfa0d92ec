package dev.gatehouse.pki.x509;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;

/** Which keys the X.509 CA certifies, and how each kind signs. */
final class KeyAlgorithms {

    static final int MIN_RSA_BITS = 2048;

    private KeyAlgorithms() {
    }

    /** ECDSA P-256: every TLS 1.3 stack (JDK, Netty with OpenSSL or JDK) handles it, and it is fast. */
    static KeyPair generateP256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate ECDSA P-256 keys", e);
        }
    }

    static String signatureAlgorithm(Key key) {
        return switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "RSA" -> "SHA256withRSA";
            default -> throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm());
        };
    }

    /** Returns why a subject key is refused, or null when it is acceptable. */
    static String refusal(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            return bits < MIN_RSA_BITS ? "RSA keys under " + MIN_RSA_BITS + " bits are refused (this one has " + bits
                    + ")" : null;
        }
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return bits < 256 ? "EC keys on curves under 256 bits are refused (this one has " + bits + ")" : null;
        }
        return switch (key.getAlgorithm()) {
            case "Ed25519", "EdDSA" -> null;
            default -> "unsupported key algorithm " + key.getAlgorithm() + "; use ECDSA P-256, Ed25519 or RSA 2048+";
        };
    }
}
