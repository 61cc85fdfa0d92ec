package dev.gatehouse.pki.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class MasterKeyTest {

    @Test
    void parseWhenBase64Of32BytesThenRoundTrips() {
        MasterKey key = MasterKey.generate();

        assertThat(MasterKey.parse(key.toBase64())).isEqualTo(key);
        assertThat(Base64.getDecoder().decode(key.toBase64())).hasSize(32);
    }

    @Test
    void toStringWhenPrintedThenKeyIsNotRevealed() {
        MasterKey key = MasterKey.generate();

        assertThat(key.toString()).doesNotContain(key.toBase64()).isEqualTo("MasterKey[redacted]");
    }

    @Test
    void parseWhenWrongLengthThenErrorNamesSettingAndLengthButNotValue() {
        String sixteenBytes = Base64.getEncoder().encodeToString(new byte[16]);

        assertThatThrownBy(() -> MasterKey.parse(sixteenBytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gatehouse.secrets.master-key")
                .hasMessageContaining("16 bytes")
                .hasMessageContaining("exactly 32")
                .hasMessageNotContaining(sixteenBytes);
    }

    @Test
    void parseWhenNotBase64ThenErrorNamesSetting() {
        assertThatThrownBy(() -> MasterKey.parse("not base64 at all!"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gatehouse.secrets.master-key is not valid base64")
                .hasMessageNotContaining("not base64 at all!");
    }

    @Test
    void parseWhenEmptyThenErrorNamesSetting() {
        assertThatThrownBy(() -> MasterKey.parse(""))
                .hasMessageContaining("gatehouse.secrets.master-key is empty");
        assertThatThrownBy(() -> MasterKey.parse(null))
                .hasMessageContaining("gatehouse.secrets.master-key is empty");
    }
}
