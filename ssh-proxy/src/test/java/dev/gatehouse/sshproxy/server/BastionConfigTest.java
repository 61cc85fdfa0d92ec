package dev.gatehouse.sshproxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BastionConfigTest {

    @Test
    void defaultsPassLanguageVariablesAndNothingElse() {
        BastionConfig config = BastionConfig.defaults(Path.of("/tmp/x"), 2222, List.of("gw"));

        assertThat(config.passesEnv("LANG")).isTrue();
        assertThat(config.passesEnv("LC_ALL")).isTrue();
        assertThat(config.passesEnv("LD_PRELOAD")).isFalse();
        assertThat(config.passesEnv("PATH")).isFalse();
    }

    @Test
    void portOutOfRangeNamesTheSetting() {
        assertThatThrownBy(() -> BastionConfig.defaults(Path.of("/tmp/x"), 70000, List.of("gw")))
                .hasMessageContaining("gatehouse.ssh.port");
    }

    @Test
    void missingHostNamesAreRefused() {
        assertThatThrownBy(() -> BastionConfig.defaults(Path.of("/tmp/x"), 2222, List.of()))
                .hasMessageContaining("gatehouse.ssh.host-names");
    }
}
