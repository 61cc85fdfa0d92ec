package dev.gatehouse.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The image descriptions under {@code deploy/images}, parsed (no engine here builds them): a pinned base, a non-root
 * user the image itself creates, the jar the Maven build makes, and an entry point that execs java.
 */
class DockerfilesTest {

    /** One instruction, continuation lines joined. */
    record Instruction(String keyword, String arguments) {}

    static List<Instruction> parse(Path dockerfile) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : DeployTree.read(dockerfile).lines().toList()) {
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            String whole = (pending + line).strip();
            pending.setLength(0);
            int space = whole.indexOf(' ');
            instructions.add(new Instruction(whole.substring(0, space).toUpperCase(), whole.substring(space + 1).strip()));
        }
        return instructions;
    }

    private static List<String> all(List<Instruction> instructions, String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
    }

    @ParameterizedTest
    @CsvSource({"gateway.Dockerfile, control-plane/target/gatehouse-exec.jar, 10001",
            "agent.Dockerfile, tunnel-agent/target/gatehouse-agent.jar, 10002"})
    void imageWhenParsedThenItRunsTheBuiltJarAsAnUnprivilegedUser(String file, String jar, String uid) {
        List<Instruction> image = parse(DeployTree.deploy().resolve("images").resolve(file));

        assertThat(all(image, "FROM")).singleElement().asString().matches("[a-z0-9./-]+:[0-9][A-Za-z0-9._-]*");
        String user = all(image, "USER").getLast();
        assertThat(user).as("the last USER is numeric (Kubernetes' runAsNonRoot needs a number)")
                .isEqualTo(uid + ":" + uid);
        assertThat(all(image, "RUN")).as("the image creates that user").anyMatch(r -> r.contains("--uid " + uid));
        assertThat(all(image, "COPY")).singleElement().asString().contains(" " + jar + " ");
        String entrypoint = all(image, "ENTRYPOINT").getLast();
        assertThat(entrypoint).as("exec form, java as PID 1 with umask 077")
                .startsWith("[").contains("umask 077 && exec java ");
    }

    @Test
    void gatewayImageWhenStartedThenItsApiIsReachableOverHttps() {
        // Without TLS the API listens on the container's loopback only; with it, on every address.
        List<Instruction> image = parse(DeployTree.deploy().resolve("images/gateway.Dockerfile"));

        assertThat(all(image, "ENV")).anyMatch(e -> e.contains("GATEHOUSE_HTTP_TLS_CERTIFICATE=auto"));
    }

    @ParameterizedTest
    @CsvSource({"control-plane/target/gatehouse-exec.jar", "tunnel-agent/target/gatehouse-agent.jar"})
    void jarWhenCopiedThenTheBuildContextKeepsIt(String jar) {
        // .dockerignore sends only the jars to the builder; a COPY of a file it leaves out fails the build.
        List<String> rules = DeployTree.read(DeployTree.repository().resolve(".dockerignore")).lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();

        assertThat(rules).contains("*", "!" + jar);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"gatehouse | $ROOT/control-plane/target/gatehouse-exec.jar",
            "tunnel-agent/pom.xml | <finalName>gatehouse-agent</finalName>"})
    void jarWhenCopiedThenTheBuildMakesItThere(String file, String naming) {
        // The launcher runs the gateway's jar from there; the agent's shade configuration names the agent's.
        assertThat(DeployTree.read(DeployTree.repository().resolve(file))).contains(naming);
    }
}
