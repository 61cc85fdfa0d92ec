package dev.gatehouse.pki.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SshPublicKeyTest {

    private static final String ED25519 = SshPublicKey.of(generate("Ed25519", null), "alice@laptop").openSshLine();
    private static final byte[] ED25519_BLOB = SshWire.blobOf(ED25519);
    private static final byte[] ED25519_RAW =
            Arrays.copyOfRange(ED25519_BLOB, ED25519_BLOB.length - 32, ED25519_BLOB.length);

    static Stream<Arguments> refusedLines() {
        String p384Line = SshPublicKey.of(generate("EC", "secp384r1"), "").openSshLine();
        byte[] p384Blob = SshWire.blobOf(p384Line);
        SshCertificateAuthority ca = SshCertificateAuthority.generate("ca");
        String certificateLine = ca.issueUser(UserCertificateRequest.of(SshPublicKey.parse(ED25519).key(),
                List.of("root"), "alice", Duration.ofMinutes(5))).toOpenSshLine();
        return Stream.of(
                Arguments.of("null", null, "the public key is empty"),
                Arguments.of("blank", "  \t ", "the public key is empty"),
                Arguments.of("huge line", "ssh-ed25519 " + "A".repeat(17_000), "at most 16384 are accepted"),
                Arguments.of("control character", ED25519 + "\u0007", "control character (U+0007)"),
                Arguments.of("two lines", ED25519 + "\n" + ED25519, "control character (U+000A)"),
                Arguments.of("type only", "ssh-ed25519", "no key data after the type ssh-ed25519"),
                Arguments.of("not base64", "ssh-ed25519 AAAA$$$$", "not valid base64"),
                Arguments.of("unknown type", "ssh-foo AAAAB3NzaC1", "key type 'ssh-foo' is unknown; accepted types:"),
                Arguments.of("options prefix", "no-pty " + ED25519, "key type 'no-pty' is unknown"),
                Arguments.of("type differs from blob", SshWire.line("ssh-rsa", ED25519_BLOB),
                        "the type in the text (ssh-rsa) differs from the type inside the key data (ssh-ed25519)"),
                Arguments.of("unknown type in blob", SshWire.line("ssh-ed25519",
                        SshWire.blob().string("ssh-foo").string(ED25519_RAW).bytes()),
                        "the key data's type 'ssh-foo' is unknown"),
                Arguments.of("truncated blob", SshWire.line("ssh-ed25519", SshWire.cut(ED25519_BLOB, 5)),
                        "the key data is truncated: the ssh-ed25519 key ends before its public key"),
                Arguments.of("blob cut inside the type", SshWire.line("ssh-ed25519", SshWire.cut(ED25519_BLOB, 40)),
                        "the key data is truncated"),
                Arguments.of("trailing bytes", SshWire.line("ssh-ed25519",
                        SshWire.blob().raw(ED25519_BLOB).raw(new byte[] {1, 2, 3}).bytes()),
                        "3 unexpected trailing byte(s) after the ssh-ed25519 key"),
                Arguments.of("short ed25519 key", SshWire.line("ssh-ed25519",
                        SshWire.blob().string("ssh-ed25519").string(new byte[31]).bytes()),
                        "an Ed25519 public key has 32 bytes, this one has 31"),
                Arguments.of("curve differs from type", SshWire.line("ecdsa-sha2-nistp256", SshWire.blob()
                        .string("ecdsa-sha2-nistp256").string("nistp384")
                        .raw(Arrays.copyOfRange(p384Blob, 4 + 19 + 4 + 8, p384Blob.length)).bytes()),
                        "names curve 'nistp384' but the type ecdsa-sha2-nistp256 needs curve nistp256"),
                Arguments.of("point not on curve", SshWire.line("ecdsa-sha2-nistp256", SshWire.blob()
                        .string("ecdsa-sha2-nistp256").string("nistp256").string(pointOffCurve()).bytes()),
                        "the key data is not a valid ecdsa-sha2-nistp256 key"),
                Arguments.of("DSA", PublicKeyEntry.toString(generate("DSA", null)), "DSA keys are refused: "),
                Arguments.of("RSA 1024", rsaLine(1024),
                        "RSA keys under 2048 bits are refused: this key has 1024 bits"),
                Arguments.of("certificate", certificateLine, "an OpenSSH certificate was given where a plain public key"
                        + " is expected"),
                Arguments.of("certificate type with plain blob", SshWire.line("ssh-ed25519-cert-v01@openssh.com",
                        ED25519_BLOB), "an OpenSSH certificate was given"),
                Arguments.of("huge comment", ED25519 + " " + "c".repeat(2000),
                        "the comment has 2013 characters; at most 1024 are accepted"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedLines")
    void parseWhenLineIsBadThenRefusedSayingWhy(String name, String line, String reason) {
        assertThatThrownBy(() -> SshPublicKey.parse(line))
                .isInstanceOf(InvalidSshKeyException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }

    static Stream<Arguments> acceptedKeys() {
        return Stream.of(
                Arguments.of("ssh-ed25519", generate("Ed25519", null)),
                Arguments.of("ecdsa-sha2-nistp256", generate("EC", "secp256r1")),
                Arguments.of("ecdsa-sha2-nistp384", generate("EC", "secp384r1")),
                Arguments.of("ecdsa-sha2-nistp521", generate("EC", "secp521r1")),
                Arguments.of("ssh-rsa", generate("RSA", "2048")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedKeys")
    void parseWhenAcceptedTypeThenKeyAlgorithmAndLineRoundTrip(String type, PublicKey key) {
        String line = PublicKeyEntry.toString(Ed25519Keys.forMina(key)) + " bob@desk";

        SshPublicKey parsed = SshPublicKey.parse(line);

        assertThat(parsed.algorithm()).isEqualTo(type);
        assertThat(parsed.comment()).isEqualTo("bob@desk");
        assertThat(parsed.openSshLine()).isEqualTo(line).isEqualTo(parsed.toOpenSshLine());
        assertThat(parsed.key().getEncoded()).isEqualTo(Ed25519Keys.forMina(key).getEncoded());
        assertThat(parsed.fingerprint()).startsWith("SHA256:").hasSize(7 + 43)
                .isEqualTo(SshPublicKey.fingerprint(key));
    }

    @Test
    void parseWhenSecurityKeyEd25519ThenAccepted() {
        byte[] sk = SshWire.blob().string("sk-ssh-ed25519@openssh.com")
                .string(ED25519_RAW)
                .string("ssh:").bytes();

        SshPublicKey parsed = SshPublicKey.parse(SshWire.line("sk-ssh-ed25519@openssh.com", sk) + " yubikey");

        assertThat(parsed.algorithm()).isEqualTo("sk-ssh-ed25519@openssh.com");
        assertThat(parsed.comment()).isEqualTo("yubikey");
    }

    @Test
    void parseWhenSecurityKeyEcdsaThenAccepted() {
        byte[] p256 = SshWire.blobOf(SshPublicKey.of(generate("EC", "secp256r1"), "").openSshLine());
        byte[] point = Arrays.copyOfRange(p256, p256.length - 65, p256.length);
        byte[] sk = SshWire.blob().string("sk-ecdsa-sha2-nistp256@openssh.com").string("nistp256").string(point)
                .string("ssh:").bytes();

        SshPublicKey parsed = SshPublicKey.parse(SshWire.line("sk-ecdsa-sha2-nistp256@openssh.com", sk));

        assertThat(parsed.algorithm()).isEqualTo("sk-ecdsa-sha2-nistp256@openssh.com");
        assertThat(parsed.fingerprint()).isEqualTo(SshPublicKey.fingerprint(parsed.key()));
    }

    @Test
    void parseWhenSecurityKeyMissesApplicationThenTruncated() {
        byte[] sk = SshWire.blob().string("sk-ssh-ed25519@openssh.com")
                .string(ED25519_RAW)
                .bytes();

        assertThatThrownBy(() -> SshPublicKey.parse(SshWire.line("sk-ssh-ed25519@openssh.com", sk)))
                .hasMessageContaining("ends before its security key application");
    }

    @Test
    void parseWhenSurroundedBySpaceAndTabsThenNormalised() {
        String[] parts = ED25519.split(" ");

        SshPublicKey parsed = SshPublicKey.parse("  " + parts[0] + "\t" + parts[1] + "   my laptop key \r\n");

        assertThat(parsed.comment()).isEqualTo("my laptop key");
        assertThat(parsed.openSshLine()).isEqualTo(parts[0] + " " + parts[1] + " my laptop key");
    }

    @Test
    void parseWhenNoCommentThenLineHasTwoFields() {
        String bare = ED25519.substring(0, ED25519.lastIndexOf(' '));

        SshPublicKey parsed = SshPublicKey.parse(bare);

        assertThat(parsed.comment()).isEmpty();
        assertThat(parsed.openSshLine()).isEqualTo(bare);
    }

    @Test
    void ofWhenKeyRefusedThenSameReasonsAsParse() {
        assertThatThrownBy(() -> SshPublicKey.of(generate("RSA", "1024"), ""))
                .isInstanceOf(InvalidSshKeyException.class).hasMessageContaining("this key has 1024 bits");
        assertThatThrownBy(() -> SshPublicKey.of(generate("DSA", null), ""))
                .isInstanceOf(InvalidSshKeyException.class).hasMessageContaining("DSA keys are refused");
    }

    private static String rsaLine(int bits) {
        return PublicKeyEntry.toString(generate("RSA", Integer.toString(bits)));
    }

    /** An uncompressed P-256 point (x = 1, y = 1) that is not on the curve. */
    private static byte[] pointOffCurve() {
        byte[] point = new byte[65];
        point[0] = 4;
        point[32] = 1;
        point[64] = 1;
        return point;
    }

    static PublicKey generate(String algorithm, String parameter) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                generator.initialize(new ECGenParameterSpec(parameter));
            } else if (parameter != null) {
                generator.initialize(Integer.parseInt(parameter));
            }
            KeyPair pair = generator.generateKeyPair();
            return pair.getPublic();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
