package dev.gatehouse.pki.ssh;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The public key types Gatehouse accepts, each with the field layout of its wire encoding. */
enum AcceptedKeyType {
    ED25519("ssh-ed25519", null, false),
    ECDSA_P256("ecdsa-sha2-nistp256", "nistp256", false),
    ECDSA_P384("ecdsa-sha2-nistp384", "nistp384", false),
    ECDSA_P521("ecdsa-sha2-nistp521", "nistp521", false),
    RSA("ssh-rsa", null, false),
    SK_ED25519("sk-ssh-ed25519@openssh.com", null, true),
    SK_ECDSA_P256("sk-ecdsa-sha2-nistp256@openssh.com", "nistp256", true);

    private static final int ED25519_KEY_BYTES = 32;

    private final String sshName;
    private final String curve;
    private final boolean securityKey;

    AcceptedKeyType(String sshName, String curve, boolean securityKey) {
        this.sshName = sshName;
        this.curve = curve;
        this.securityKey = securityKey;
    }

    String sshName() {
        return sshName;
    }

    static Optional<AcceptedKeyType> named(String sshName) {
        return Arrays.stream(values()).filter(t -> t.sshName.equals(sshName)).findFirst();
    }

    static String names() {
        return Arrays.stream(values()).map(t -> t.sshName).collect(Collectors.joining(", "));
    }

    /** Checks the fields after the type name, so a truncated or padded blob is refused with the field it concerns. */
    void checkLayout(KeyBlobReader reader) {
        if (this == RSA) {
            reader.field("public exponent");
            reader.field("modulus");
        } else if (curve != null) {
            String inBlob = reader.text("curve name");
            if (!curve.equals(inBlob)) {
                throw new InvalidSshKeyException("the key data names curve '" + printable(inBlob) + "' but the type "
                        + sshName + " needs curve " + curve);
            }
            reader.field("public point");
        } else {
            int length = reader.field("public key").length;
            if (length != ED25519_KEY_BYTES) {
                throw new InvalidSshKeyException("an Ed25519 public key has 32 bytes, this one has " + length);
            }
        }
        if (securityKey) {
            reader.field("security key application");
        }
        reader.expectEnd();
    }

    static String printable(String text) {
        String visible = text.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return visible.length() > 64 ? visible.substring(0, 64) + "..." : visible;
    }
}
