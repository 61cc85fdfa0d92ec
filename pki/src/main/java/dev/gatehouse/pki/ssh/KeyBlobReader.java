package dev.gatehouse.pki.ssh;

import java.nio.charset.StandardCharsets;

/**
 * Walks the SSH wire encoding of a public key blob (RFC 4251 strings and mpints) so that truncation and trailing bytes
 * are reported precisely, before the blob is handed to MINA for decoding.
 */
final class KeyBlobReader {

    private final byte[] blob;
    private final String keyType;
    private int position;

    KeyBlobReader(byte[] blob, String keyType) {
        this.blob = blob;
        this.keyType = keyType;
    }

    /** Reads one length-prefixed field, naming it in the error when the blob ends early. */
    byte[] field(String name) {
        if (blob.length - position < 4) {
            throw truncated(name);
        }
        long length = ((blob[position] & 0xFFL) << 24) | ((blob[position + 1] & 0xFFL) << 16)
                | ((blob[position + 2] & 0xFFL) << 8) | (blob[position + 3] & 0xFFL);
        if (length > blob.length - position - 4) {
            throw truncated(name);
        }
        byte[] value = new byte[(int) length];
        System.arraycopy(blob, position + 4, value, 0, value.length);
        position += 4 + value.length;
        return value;
    }

    String text(String name) {
        return new String(field(name), StandardCharsets.US_ASCII);
    }

    void expectEnd() {
        int rest = blob.length - position;
        if (rest != 0) {
            throw new InvalidSshKeyException("the key data has " + rest + " unexpected trailing byte(s) after the "
                    + keyType + " key");
        }
    }

    private InvalidSshKeyException truncated(String name) {
        return new InvalidSshKeyException("the key data is truncated: the " + keyType + " key ends before its " + name);
    }
}
