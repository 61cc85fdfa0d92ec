package dev.gatehouse.pki.seal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets at rest (CA private keys) with AES-256-GCM under the {@link MasterKey}. The purpose is authenticated
 * with the data, so a blob sealed as one thing (say the user CA key) cannot be opened as another (the host CA key).
 *
 * <p>Format: version byte {@code 1} | 4-byte master key check | 12-byte random nonce | ciphertext with 16-byte tag.
 * The key check only lets {@link #open} tell "another master key" apart from "damaged"; it reveals nothing usable.
 */
public final class SecretSealer {

    private static final byte VERSION = 1;
    private static final int KEY_CHECK_BYTES = 4;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int HEADER_BYTES = 1 + KEY_CHECK_BYTES + NONCE_BYTES;
    private static final int MAX_PURPOSE_CHARS = 200;

    private final MasterKey masterKey;
    private final byte[] keyCheck;
    private final SecureRandom random = new SecureRandom();

    public SecretSealer(MasterKey masterKey) {
        this.masterKey = Objects.requireNonNull(masterKey, "masterKey");
        this.keyCheck = keyCheck(masterKey);
    }

    /** Encrypts {@code plaintext} for one purpose, e.g. {@code "ssh-user-ca"}. */
    public byte[] seal(byte[] plaintext, String purpose) {
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] associated = associatedData(purpose);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce);
            cipher.updateAAD(associated);
            byte[] ciphertext = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(HEADER_BYTES + ciphertext.length)
                    .put(VERSION).put(keyCheck).put(nonce).put(ciphertext).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
    }

    /**
     * Decrypts a blob made by {@link #seal} for the same purpose.
     *
     * @throws SealedSecretException when the blob is damaged, from another master key, or sealed for another purpose
     */
    public byte[] open(byte[] sealed, String purpose) {
        Objects.requireNonNull(sealed, "sealed");
        byte[] associated = associatedData(purpose);
        if (sealed.length < HEADER_BYTES + TAG_BITS / 8) {
            throw new SealedSecretException("the sealed '" + purpose + "' secret is too short (" + sealed.length
                    + " bytes) to be a sealed secret");
        }
        if (sealed[0] != VERSION) {
            throw new SealedSecretException("the sealed '" + purpose + "' secret has unknown format version "
                    + (sealed[0] & 0xFF) + "; this version of Gatehouse reads version " + VERSION);
        }
        byte[] storedCheck = Arrays.copyOfRange(sealed, 1, 1 + KEY_CHECK_BYTES);
        if (!MessageDigest.isEqual(storedCheck, keyCheck)) {
            throw new SealedSecretException("the '" + purpose + "' secret was sealed with another master key (key check "
                    + HexFormat.of().formatHex(storedCheck) + ", the configured " + MasterKey.SETTING + " has "
                    + HexFormat.of().formatHex(keyCheck) + ")");
        }
        byte[] nonce = Arrays.copyOfRange(sealed, 1 + KEY_CHECK_BYTES, HEADER_BYTES);
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, nonce);
            cipher.updateAAD(associated);
            return cipher.doFinal(sealed, HEADER_BYTES, sealed.length - HEADER_BYTES);
        } catch (AEADBadTagException e) {
            throw new SealedSecretException("the sealed secret cannot be opened as '" + purpose + "': it was sealed"
                    + " for another purpose or has been altered", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
    }

    private Cipher cipher(int mode, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, masterKey.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
        return cipher;
    }

    private static byte[] associatedData(String purpose) {
        Objects.requireNonNull(purpose, "purpose");
        if (purpose.isBlank() || purpose.length() > MAX_PURPOSE_CHARS) {
            throw new IllegalArgumentException("a sealing purpose must be 1 to " + MAX_PURPOSE_CHARS + " characters");
        }
        return ("gatehouse-sealed-v1:" + purpose).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] keyCheck(MasterKey key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.secretKey().getEncoded(), "HmacSHA256"));
            byte[] digest = mac.doFinal("gatehouse master key check".getBytes(StandardCharsets.US_ASCII));
            return Arrays.copyOf(digest, KEY_CHECK_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable in this JVM", e);
        }
    }
}
