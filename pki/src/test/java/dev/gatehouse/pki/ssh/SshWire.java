package dev.gatehouse.pki.ssh;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/** Builds SSH wire-format key blobs by hand, so tests can make exactly the malformed keys they need. */
final class SshWire {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    static SshWire blob() {
        return new SshWire();
    }

    /** Splits a line's base64 blob back into bytes. */
    static byte[] blobOf(String line) {
        return Base64.getDecoder().decode(line.split(" ")[1]);
    }

    static String line(String type, byte[] blob) {
        return type + " " + Base64.getEncoder().encodeToString(blob);
    }

    SshWire string(String text) {
        return string(text.getBytes(StandardCharsets.US_ASCII));
    }

    SshWire string(byte[] value) {
        bytes.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
        bytes.writeBytes(value);
        return this;
    }

    SshWire raw(byte[] value) {
        bytes.writeBytes(value);
        return this;
    }

    byte[] bytes() {
        return bytes.toByteArray();
    }

    static byte[] cut(byte[] blob, int dropLast) {
        return Arrays.copyOf(blob, blob.length - dropLast);
    }
}
