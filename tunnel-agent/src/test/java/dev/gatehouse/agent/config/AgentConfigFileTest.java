package dev.gatehouse.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class AgentConfigFileTest {

    @Test
    void allowKeysAndDurationsThenParsed() {
        Properties p = new Properties();
        p.setProperty("state-dir", "/srv/agent");
        p.setProperty("allow", "10.0.0.0/8:22, db.internal:5432");
        p.setProperty("allow.licence", "licence.internal:27000-27010");
        p.setProperty("resume-grace", "45s");
        AgentConfigFile file = AgentConfigFile.parse(p, "agent.conf");
        assertThat(file.stateDir()).isEqualTo(Path.of("/srv/agent"));
        assertThat(file.settings().allowList().rules()).hasSize(3);
        assertThat(file.settings().resumeGrace()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void unknownSettingThenStartupRefusedNamingIt() {
        Properties p = new Properties();
        p.setProperty("alow", "10.0.0.0/8:22");
        assertThatThrownBy(() -> AgentConfigFile.parse(p, "agent.conf"))
                .hasMessageContaining("agent.conf: unknown setting(s) [alow]");
    }

    @Test
    void badDurationThenMessageShowsExamples() {
        Properties p = new Properties();
        p.setProperty("ping-interval", "soon");
        assertThatThrownBy(() -> AgentConfigFile.parse(p, "agent.conf"))
                .hasMessageContaining("ping-interval = 'soon' is not a duration");
    }
}
