package dev.gatehouse.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The agent's jar ({@code target/gatehouse-agent.jar}, what is shipped to private networks) carries what the agent
 * runs and nothing of the gateway: no class of the tunnel's gateway end, and no class in it that names one (a lazy
 * reference would fail only when reached, in someone's network).
 */
class AgentJarIT {

    private static final String GATEWAY_END = "dev/gatehouse/tunnel/gateway/";
    private static final Path JAR = Path.of("target", "gatehouse-agent.jar");

    @Test
    void theAgentJarHoldsNoGatewayClassAndNoClassInItNamesOne() throws IOException {
        assertThat(JAR).as("built by the package phase").exists();
        List<String> gatewayClasses = new ArrayList<>();
        List<String> naming = new ArrayList<>();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                if (!entry.getName().endsWith(".class")) {
                    continue;
                }
                if (entry.getName().startsWith(GATEWAY_END)) {
                    gatewayClasses.add(entry.getName());
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    // A class's constant pool names every class it refers to in this internal form.
                    if (new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains(GATEWAY_END)) {
                        naming.add(entry.getName());
                    }
                }
            }
        }
        assertThat(gatewayClasses).as("gateway classes in the agent jar").isEmpty();
        assertThat(naming).as("classes in the agent jar that refer to the gateway's end").isEmpty();
    }

    @Test
    void theAgentJarStartsAndPrintsItsUsage() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path output = Files.createTempFile("agent-help", ".txt");
        Process agent = new ProcessBuilder(java.toString(), "-jar", JAR.toString(), "--help")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(output);
        Files.delete(output);
        assertThat(agent.exitValue()).as(printed).isZero();
        assertThat(printed).contains("join").contains("run");
    }
}
