package dev.gatehouse.pki.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SecretSealerTest {

    private static final byte[] SECRET = "the user CA private key".getBytes(StandardCharsets.UTF_8);

    private final MasterKey key = MasterKey.generate();
    private final SecretSealer sealer = new SecretSealer(key);

    @Test
    void openWhenSealedForSamePurposeThenReturnsPlaintext() {
        byte[] sealed = sealer.seal(SECRET, "ssh-user-ca");

        assertThat(sealer.open(sealed, "ssh-user-ca")).isEqualTo(SECRET);
        assertThat(new SecretSealer(MasterKey.parse(key.toBase64())).open(sealed, "ssh-user-ca")).isEqualTo(SECRET);
    }

    @Test
    void sealWhenCalledTwiceThenCiphertextsDifferAndHideThePlaintext() {
        byte[] first = sealer.seal(SECRET, "ssh-user-ca");
        byte[] second = sealer.seal(SECRET, "ssh-user-ca");

        assertThat(first).isNotEqualTo(second);
        assertThat(new String(first, StandardCharsets.ISO_8859_1)).doesNotContain("private key");
        assertThat(first[0]).isEqualTo((byte) 1);
    }

    @Test
    void openWhenPurposeDiffersThenRefused() {
        byte[] sealed = sealer.seal(SECRET, "ssh-user-ca");

        assertThatThrownBy(() -> sealer.open(sealed, "ssh-host-ca"))
                .isInstanceOf(SealedSecretException.class)
                .hasMessageContaining("cannot be opened as 'ssh-host-ca'");
    }

    @Test
    void openWhenAnyByteFlippedThenRefused() {
        byte[] sealed = sealer.seal(SECRET, "ssh-user-ca");
        for (int i = 0; i < sealed.length; i++) {
            byte[] altered = Arrays.copyOf(sealed, sealed.length);
            altered[i] ^= 0x01;
            assertThatThrownBy(() -> sealer.open(altered, "ssh-user-ca"))
                    .as("byte %d flipped", i)
                    .isInstanceOf(SealedSecretException.class);
        }
    }

    @Test
    void openWhenTruncatedThenRefused() {
        byte[] sealed = sealer.seal(SECRET, "ssh-user-ca");

        assertThatThrownBy(() -> sealer.open(Arrays.copyOf(sealed, sealed.length - 1), "ssh-user-ca"))
                .isInstanceOf(SealedSecretException.class);
        assertThatThrownBy(() -> sealer.open(new byte[10], "ssh-user-ca"))
                .isInstanceOf(SealedSecretException.class)
                .hasMessageContaining("too short");
    }

    @Test
    void openWhenMasterKeyDiffersThenRefusedNamingTheSetting() {
        byte[] sealed = sealer.seal(SECRET, "ssh-user-ca");

        assertThatThrownBy(() -> new SecretSealer(MasterKey.generate()).open(sealed, "ssh-user-ca"))
                .isInstanceOf(SealedSecretException.class)
                .hasMessageContaining("sealed with another master key")
                .hasMessageContaining("gatehouse.secrets.master-key");
    }

    @Test
    void sealWhenPurposeBlankThenRefused() {
        assertThatThrownBy(() -> sealer.seal(SECRET, " ")).isInstanceOf(IllegalArgumentException.class);
    }
}
