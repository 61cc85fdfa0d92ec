package dev.gatehouse.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The systemd units under {@code deploy/systemd}, read by systemd's own {@code systemd-analyze} (no systemd runs as
 * PID 1 here, so the units are verified and scored, not started).
 */
class SystemdUnitsIT {

    private static final String SYSTEMD = "Debian package systemd";

    static List<Path> units() throws IOException {
        try (Stream<Path> files = Files.list(DeployTree.deploy().resolve("systemd"))) {
            return files.filter(f -> f.toString().endsWith(".service")).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("units")
    void unitWhenVerifiedThenSystemdReportsNothing(Path unit) {
        // systemd-analyze exits 0 on lines it ignores (an Environment= word it cannot parse, say): any output fails.
        Tool verify = Tool.run(SYSTEMD, "systemd-analyze", "verify", unit.toAbsolutePath().toString());

        assertThat(verify.exitCode()).as(verify.describe()).isZero();
        assertThat(verify.output()).as(verify.describe()).isBlank();
    }

    @ParameterizedTest
    @MethodSource("units")
    void unitWhenScoredThenExposureIsLow(Path unit) {
        // The threshold is out of 100 (systemd prints a tenth of it): both units score 1.7 now; they were 6.0 and 4.7.
        Tool security = Tool.run(SYSTEMD, "systemd-analyze", "security", "--offline=true", "--threshold=20",
                unit.toAbsolutePath().toString());

        assertThat(security.exitCode()).as(security.describe()).isZero();
    }

    @ParameterizedTest
    @MethodSource("units")
    void unitWhenItPassesJavaOptionsThenEachIsItsOwnArgument(Path unit) {
        // systemd splits an unbraced $VAR on whitespace; ${VAR} stays one argument, and java refuses
        // "-XX:+UseZGC -Xmx2g" as one option. So a *_JAVA_OPTS variable must be written $NAME, as a word of its own.
        String execStart = DeployTree.read(unit).lines().filter(l -> l.startsWith("ExecStart=")).findFirst()
                .orElseThrow();
        List<String> words = Arrays.asList(execStart.substring("ExecStart=".length()).trim().split("\\s+"));

        assertThat(words).as(execStart).anyMatch(w -> w.matches("\\$[A-Z_]*JAVA_OPTS"));
        assertThat(words).as(execStart).noneMatch(w -> w.contains("JAVA_OPTS") && !w.matches("\\$[A-Z_]*JAVA_OPTS"));
        assertThat(words.getFirst()).as("java, then the options").endsWith("/java");
        assertThat(words.get(1)).as("the JVM options come before -jar").matches("\\$[A-Z_]*JAVA_OPTS");
    }

    @ParameterizedTest
    @MethodSource("units")
    void unitWhenItWritesFilesThenTheyAreOwnerOnly(Path unit) {
        String text = DeployTree.read(unit);

        assertThat(text).as(unit + ": keys, spool and logs for the service's user alone").contains("\nUMask=0077\n");
        assertThat(text).contains("\nStateDirectoryMode=0700\n").contains("\nNoNewPrivileges=true\n");
    }
}
