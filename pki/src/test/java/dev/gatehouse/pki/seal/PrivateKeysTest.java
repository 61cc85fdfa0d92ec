package dev.gatehouse.pki.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.pki.ssh.SshCertificateAuthority;
import dev.gatehouse.pki.x509.X509CertificateAuthority;
import dev.gatehouse.testkit.TestKeys;
import java.security.KeyPair;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PrivateKeysTest {

    @Test
    void decodeWhenSshCaKeySealedAndOpenedThenSameCaPublicLine() {
        SshCertificateAuthority ca = SshCertificateAuthority.generate("gatehouse-user-ca");
        SecretSealer sealer = new SecretSealer(MasterKey.generate());

        byte[] stored = sealer.seal(PrivateKeys.encode(ca.keyPair()), "ssh-user-ca");
        KeyPair restored = PrivateKeys.decode(sealer.open(stored, "ssh-user-ca"));

        assertThat(SshCertificateAuthority.of(restored, "gatehouse-user-ca").publicKeyLine())
                .isEqualTo(ca.publicKeyLine());
    }

    @Test
    void decodeWhenEcdsaKeyThenRoundTrips() throws Exception {
        KeyPair pair = X509CertificateAuthority.generate("gatehouse-internal-ca").keyPair();

        KeyPair restored = PrivateKeys.decode(PrivateKeys.encode(pair));

        assertThat(restored.getPublic().getEncoded()).isEqualTo(pair.getPublic().getEncoded());
        assertThat(restored.getPrivate().getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
    }

    @Test
    void decodeWhenHalvesFromDifferentPairsThenRefused() throws Exception {
        KeyPair one = TestKeys.p256();
        KeyPair two = TestKeys.p256();

        byte[] mixed = PrivateKeys.encode(new KeyPair(two.getPublic(), one.getPrivate()));

        assertThatThrownBy(() -> PrivateKeys.decode(mixed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("do not belong together");
    }

    @Test
    void decodeWhenTruncatedOrGarbageThenRefused() {
        byte[] encoded = PrivateKeys.encode(SshCertificateAuthority.generate("ca").keyPair());

        assertThatThrownBy(() -> PrivateKeys.decode(Arrays.copyOf(encoded, encoded.length - 3)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrivateKeys.decode(new byte[] {9, 9, 9}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version");
    }
}
