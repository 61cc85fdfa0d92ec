package dev.gatehouse.audit.chain;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The link function of every evidence chain: SHA-256 over the previous link's hash and the item's canonical bytes. */
public final class ChainHash {

    /** The "previous hash" of the first link of any chain: 32 zero bytes, a new array each time. */
    public static byte[] genesis() {
        return new byte[32];
    }

    /** Cloned rather than looked up: {@code getInstance} walks the providers, a measurable cost at ingest rates. */
    private static final MessageDigest PROTOTYPE = lookUp();

    private ChainHash() {
    }

    public static byte[] link(byte[] previous, byte[] canonical) {
        MessageDigest sha = sha256();
        sha.update(previous);
        sha.update(canonical);
        return sha.digest();
    }

    public static byte[] sha256(byte[] data, int off, int len) {
        MessageDigest sha = sha256();
        sha.update(data, off, len);
        return sha.digest();
    }

    public static MessageDigest sha256() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return lookUp();
        }
    }

    private static MessageDigest lookUp() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
