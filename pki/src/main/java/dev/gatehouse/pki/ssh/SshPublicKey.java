package dev.gatehouse.pki.ssh;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Objects;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * An SSH public key Gatehouse accepts for a user: parsed from the OpenSSH one-line format, checked against the key
 * policy (no DSA, RSA of at least 2048 bits, no certificates), with its {@code ssh-keygen -l} style SHA-256 fingerprint.
 *
 * @param key         the decoded key, usable with MINA SSHD
 * @param algorithm   the OpenSSH key type, e.g. {@code ssh-ed25519}
 * @param comment     the comment after the key data, possibly empty
 * @param fingerprint {@code SHA256:} followed by unpadded base64, exactly as {@code ssh-keygen -lf} prints it
 * @param openSshLine the normalised line: {@code type base64 [comment]}
 */
public record SshPublicKey(PublicKey key, String algorithm, String comment, String fingerprint, String openSshLine) {

    /** Longest line accepted: an RSA 16384-bit key needs about 2.8 KB, so this only stops abuse. */
    public static final int MAX_LINE_CHARS = 16 * 1024;
    /** Longest comment accepted. */
    public static final int MAX_COMMENT_CHARS = 1024;
    /** Smallest RSA modulus accepted, in bits (OpenSSH's own floor is 1024; current guidance is 2048 or more). */
    public static final int MIN_RSA_BITS = 2048;

    private static final String CERTIFICATE_SUFFIX = "-cert-v01@openssh.com";

    public SshPublicKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(comment, "comment");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(openSshLine, "openSshLine");
    }

    /**
     * Parses one line in the OpenSSH public key format ({@code type base64 [comment]}), as found in
     * {@code id_ed25519.pub} or {@code authorized_keys} without options.
     *
     * @throws InvalidSshKeyException saying what is wrong with the line
     */
    public static SshPublicKey parse(String line) {
        String text = checkedText(line);
        String[] parts = text.split("[ \t]+", 3);
        String type = parts[0];
        AcceptedKeyType accepted = acceptedType(type, "the key type");
        if (parts.length < 2) {
            throw new InvalidSshKeyException("the line has no key data after the type " + type
                    + "; expected 'type base64 [comment]'");
        }
        byte[] blob = decodeBase64(parts[1]);
        String comment = parts.length == 3 ? parts[2].strip() : "";
        if (comment.length() > MAX_COMMENT_CHARS) {
            throw new InvalidSshKeyException("the comment has " + comment.length() + " characters; at most "
                    + MAX_COMMENT_CHARS + " are accepted");
        }
        KeyBlobReader reader = new KeyBlobReader(blob, type);
        String typeInBlob = reader.text("type name");
        if (!typeInBlob.equals(type)) {
            acceptedType(typeInBlob, "the key data's type");
            throw new InvalidSshKeyException("the type in the text (" + type + ") differs from the type inside the key"
                    + " data (" + AcceptedKeyType.printable(typeInBlob) + ")");
        }
        accepted.checkLayout(reader);
        PublicKey key = decode(blob, type);
        return accept(key, type, comment, blob);
    }

    /**
     * Wraps a key already decoded (for example by MINA during authentication), applying the same key policy as
     * {@link #parse(String)}.
     *
     * @throws InvalidSshKeyException when the key is of a refused type or size
     */
    public static SshPublicKey of(PublicKey key, String comment) {
        Objects.requireNonNull(key, "key");
        if (key instanceof OpenSshCertificate) {
            throw certificateRefused();
        }
        PublicKey usable = Ed25519Keys.forMina(key);
        String type = KeyUtils.getKeyType(usable);
        if (type == null) {
            throw new InvalidSshKeyException("unsupported key algorithm " + key.getAlgorithm());
        }
        acceptedType(type, "the key type");
        return accept(usable, type, comment == null ? "" : comment.strip(), blobOf(usable));
    }

    /** The SHA-256 fingerprint of any SSH public key, as {@code ssh-keygen -lf} prints it ({@code SHA256:...}). */
    public static String fingerprint(PublicKey key) {
        return fingerprintOfBlob(blobOf(Ed25519Keys.forMina(Objects.requireNonNull(key, "key"))));
    }

    /** The normalised OpenSSH line: {@code type base64 [comment]}. */
    public String toOpenSshLine() {
        return openSshLine;
    }

    private static SshPublicKey accept(PublicKey key, String type, String comment, byte[] blob) {
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new InvalidSshKeyException("RSA keys under " + MIN_RSA_BITS + " bits are refused: this key has "
                    + rsa.getModulus().bitLength() + " bits; use ssh-ed25519 or RSA of 3072 bits");
        }
        checkPrintable(comment, "the comment");
        String base64 = Base64.getEncoder().encodeToString(blob);
        String line = comment.isEmpty() ? type + " " + base64 : type + " " + base64 + " " + comment;
        return new SshPublicKey(key, type, comment, fingerprintOfBlob(blob), line);
    }

    private static String checkedText(String line) {
        if (line == null || line.isBlank()) {
            throw new InvalidSshKeyException("the public key is empty");
        }
        if (line.length() > MAX_LINE_CHARS) {
            throw new InvalidSshKeyException("the public key line has " + line.length() + " characters; at most "
                    + MAX_LINE_CHARS + " are accepted");
        }
        String text = line.strip();
        checkPrintable(text, "the public key line");
        return text;
    }

    private static void checkPrintable(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\t' && Character.isISOControl(c)) {
                throw new InvalidSshKeyException(what + " contains a control character (U+"
                        + String.format("%04X", (int) c) + ") at position " + i + "; paste a single line");
            }
        }
    }

    private static AcceptedKeyType acceptedType(String type, String what) {
        if (type.endsWith(CERTIFICATE_SUFFIX)) {
            throw certificateRefused();
        }
        if (type.equals("ssh-dss")) {
            throw new InvalidSshKeyException("DSA keys are refused: DSA is limited to 1024 bits and OpenSSH no longer"
                    + " accepts it; use ssh-ed25519");
        }
        return AcceptedKeyType.named(type).orElseThrow(() -> new InvalidSshKeyException(what + " '"
                + AcceptedKeyType.printable(type) + "' is unknown; accepted types: " + AcceptedKeyType.names()));
    }

    private static InvalidSshKeyException certificateRefused() {
        return new InvalidSshKeyException("an OpenSSH certificate was given where a plain public key is expected;"
                + " give the key itself (the .pub file without -cert)");
    }

    private static byte[] decodeBase64(String data) {
        try {
            byte[] blob = Base64.getDecoder().decode(data);
            if (blob.length == 0) {
                throw new InvalidSshKeyException("the key data is empty");
            }
            return blob;
        } catch (IllegalArgumentException e) {
            if (e instanceof InvalidSshKeyException refused) {
                throw refused;
            }
            throw new InvalidSshKeyException("the key data is not valid base64 (" + e.getMessage() + ")");
        }
    }

    private static PublicKey decode(byte[] blob, String type) {
        try {
            return new ByteArrayBuffer(blob).getRawPublicKey();
        } catch (Exception e) {
            // The layout was already checked, so this is a value problem such as a point not on the curve.
            throw new InvalidSshKeyException("the key data is not a valid " + type + " key: " + e.getMessage(), e);
        }
    }

    private static byte[] blobOf(PublicKey key) {
        ByteArrayBuffer buffer = new ByteArrayBuffer();
        try {
            buffer.putRawPublicKey(key);
        } catch (RuntimeException e) {
            throw new InvalidSshKeyException("cannot encode a " + key.getAlgorithm() + " key in SSH format: "
                    + e.getMessage(), e);
        }
        return buffer.getCompactData();
    }

    private static String fingerprintOfBlob(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
