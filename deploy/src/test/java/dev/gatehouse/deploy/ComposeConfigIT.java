package dev.gatehouse.deploy;

import static dev.gatehouse.deploy.DeployTree.at;
import static dev.gatehouse.deploy.DeployTree.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/compose} as Compose itself resolves it: {@code docker-compose config} (Debian's Compose 1.29, which
 * needs no engine for this) validates the file against its schema and interpolates {@code .env}. That version does not
 * know the top-level {@code name} (a Compose v2 field), so the copy it reads goes without that one line.
 */
class ComposeConfigIT {

    private static final Path COMPOSE = DeployTree.deploy().resolve("compose");

    @TempDir
    Path project;

    private Tool config(String env) throws IOException {
        try (Stream<Path> files = Files.list(COMPOSE)) {
            for (Path file : files.toList()) {
                Files.copy(file, project.resolve(file.getFileName().toString()));
            }
        }
        Path compose = project.resolve("compose.yaml");
        Files.writeString(compose, Files.readString(compose).lines().filter(l -> !l.startsWith("name: "))
                .collect(Collectors.joining("\n", "", "\n")));
        Files.writeString(project.resolve(".env"), env);
        return Tool.run("Debian package docker-compose", "docker-compose", "--project-directory", project.toString(),
                "-f", compose.toString(), "config");
    }

    @Test
    void composeWhenEveryExampleValueIsFilledThenValidAndBastionsGetNoSecrets() throws IOException {
        // The example's empty values are the secrets an operator makes; any value does here.
        String env = DeployTree.read(COMPOSE.resolve(".env.example")).lines()
                .map(l -> l.matches("[A-Z0-9_]+=") ? l + "x" : l).collect(Collectors.joining("\n", "", "\n"));

        Tool config = config(env);

        assertThat(config.exitCode()).as(config.describe()).isZero();
        Map<String, Object> resolved = DeployTree.yamlDocuments(config.output()).stream().map(DeployTree::map)
                .findFirst().orElseThrow();
        for (String bastion : new String[] {"bastion-1", "bastion-2"}) {
            assertThat(map(at(resolved, "services", bastion, "environment")).keySet()).as(bastion)
                    .contains("GATEHOUSE_NODE_TOKEN", "GATEHOUSE_CONTROL_PLANE_URL")
                    .noneMatch(k -> k.contains("DATABASE") || k.contains("MASTER_KEY") || k.startsWith("AWS_"));
        }
        assertThat(map(at(resolved, "services", "control-plane-1", "environment")))
                .containsEntry("GATEHOUSE_SECRETS_MASTER_KEY", "x").containsEntry("GATEHOUSE_DATABASE_PASSWORD", "x");
    }

    @Test
    void composeWhenASecretIsMissingThenItRefusesNamingIt() throws IOException {
        Tool config = config("GATEHOUSE_PUBLIC_NAME=localhost\n");

        assertThat(config.exitCode()).as(config.describe()).isNotZero();
        assertThat(config.output()).containsPattern("set [A-Z_]+ in \\.env");
    }
}
