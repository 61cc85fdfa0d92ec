package dev.gatehouse.pki.seal;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The 256-bit key that seals secrets at rest, from the setting {@value #SETTING}. Its {@link #toString()} never shows
 * the key, so it can sit in configuration objects that get logged.
 */
public final class MasterKey {

    /** The setting (and, as {@code GATEHOUSE_SECRETS_MASTER_KEY}, the environment variable) that holds the key. */
    public static final String SETTING = "gatehouse.secrets.master-key";
    public static final int LENGTH_BYTES = 32;

    private final byte[] key;

    private MasterKey(byte[] key) {
        this.key = key;
    }

    /**
     * Reads a key given as standard base64 of 32 bytes (e.g. from {@code openssl rand -base64 32}).
     *
     * @throws IllegalArgumentException naming {@value #SETTING} and what is wrong, never echoing the value
     */
    public static MasterKey parse(String base64) {
        if (base64 == null || base64.isBlank()) {
            throw new IllegalArgumentException(SETTING + " is empty; set it to 32 random bytes in base64, for example"
                    + " the output of 'openssl rand -base64 32'");
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SETTING + " is not valid base64; set it to 32 random bytes in base64,"
                    + " for example the output of 'openssl rand -base64 32'");
        }
        if (decoded.length != LENGTH_BYTES) {
            int length = decoded.length;
            Arrays.fill(decoded, (byte) 0);
            throw new IllegalArgumentException(SETTING + " decodes to " + length + " bytes but must be exactly "
                    + LENGTH_BYTES + " (256 bits); for example the output of 'openssl rand -base64 32'");
        }
        return new MasterKey(decoded);
    }

    /** A fresh random key. */
    public static MasterKey generate() {
        byte[] key = new byte[LENGTH_BYTES];
        new SecureRandom().nextBytes(key);
        return new MasterKey(key);
    }

    /** The key as standard base64, the form {@link #parse(String)} reads. */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(key);
    }

    SecretKey secretKey() {
        return new SecretKeySpec(key, "AES");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MasterKey that && MessageDigest.isEqual(key, that.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "MasterKey[redacted]";
    }
}
