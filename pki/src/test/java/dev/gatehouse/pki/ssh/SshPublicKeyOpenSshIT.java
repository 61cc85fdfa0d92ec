package dev.gatehouse.pki.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.testkit.CommandResult;
import dev.gatehouse.testkit.SshKeyFiles;
import dev.gatehouse.testkit.SshKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Keys made by the real ssh-keygen: parsed as OpenSSH reads them, fingerprints equal to {@code ssh-keygen -lf}. */
class SshPublicKeyOpenSshIT {

    @TempDir
    Path keys;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"ed25519,0,ssh-ed25519", "ecdsa,256,ecdsa-sha2-nistp256", "ecdsa,384,ecdsa-sha2-nistp384",
            "ecdsa,521,ecdsa-sha2-nistp521", "rsa,2048,ssh-rsa", "rsa,4096,ssh-rsa"})
    void parseWhenKeyFromSshKeygenThenFingerprintEqualsSshKeygen(String type, int bits, String algorithm) {
        SshKeyFiles key = SshKeys.generate(keys, type, bits);

        SshPublicKey parsed = SshPublicKey.parse(key.publicKeyLine());

        assertThat(parsed.fingerprint()).isEqualTo(key.fingerprint());
        assertThat(SshPublicKey.fingerprint(parsed.key())).isEqualTo(key.fingerprint());
        assertThat(parsed.algorithm()).isEqualTo(algorithm);
        assertThat(parsed.openSshLine()).isEqualTo(key.publicKeyLine());
    }

    @Test
    void parseWhenSecurityKeyLineThenFingerprintEqualsSshKeygen() throws Exception {
        byte[] ed25519 = SshWire.blobOf(SshKeys.ed25519(keys).publicKeyLine());
        byte[] sk = SshWire.blob().string("sk-ssh-ed25519@openssh.com")
                .string(Arrays.copyOfRange(ed25519, ed25519.length - 32, ed25519.length)).string("ssh:").bytes();
        Path file = Files.writeString(keys.resolve("id_ed25519_sk.pub"),
                SshWire.line("sk-ssh-ed25519@openssh.com", sk) + " fido\n");
        CommandResult keygen = SshKeys.sshKeygen("-l", "-E", "sha256", "-f", file.toString());

        SshPublicKey parsed = SshPublicKey.parse(Files.readString(file));

        assertThat(keygen.exitCode()).as(keygen.describe()).isZero();
        assertThat(keygen.stdoutText()).contains(parsed.fingerprint() + " fido (ED25519-SK)");
    }

    @Test
    void parseWhenRsa1024FromSshKeygenThenRefusedWithSize() {
        SshKeyFiles key = SshKeys.rsa(keys, 1024);

        assertThatThrownBy(() -> SshPublicKey.parse(key.publicKeyLine()))
                .isInstanceOf(InvalidSshKeyException.class)
                .hasMessageContaining("this key has 1024 bits");
    }

    @Test
    void parseWhenDsaFromSshKeygenThenRefused() {
        SshKeyFiles key;
        try {
            key = SshKeys.generate(keys, "dsa", 0);
        } catch (IllegalStateException e) {
            // OpenSSH 10 removed DSA; the refusal itself is covered by SshPublicKeyTest with a JDK-made key.
            org.junit.jupiter.api.Assumptions.abort("this ssh-keygen cannot make DSA keys: " + e.getMessage());
            return;
        }

        assertThatThrownBy(() -> SshPublicKey.parse(key.publicKeyLine()))
                .isInstanceOf(InvalidSshKeyException.class)
                .hasMessageStartingWith("DSA keys are refused: ");
    }
}
