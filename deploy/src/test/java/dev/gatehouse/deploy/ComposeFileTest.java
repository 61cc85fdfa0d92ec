package dev.gatehouse.deploy;

import static dev.gatehouse.deploy.DeployTree.at;
import static dev.gatehouse.deploy.DeployTree.list;
import static dev.gatehouse.deploy.DeployTree.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/compose/compose.yaml}, read as data: the services the README promises, with the settings the roles
 * need and no more ({@link ComposeConfigIT} has Compose itself validate it).
 */
class ComposeFileTest {

    private static final Path DIR = DeployTree.deploy().resolve("compose");
    private static final Map<String, Object> COMPOSE = DeployTree.yaml(DIR.resolve("compose.yaml"));
    private static final Set<String> NODES = Set.of("control-plane-1", "control-plane-2", "bastion-1", "bastion-2");

    private static Map<String, Object> service(String name) {
        return map(at(COMPOSE, "services", name));
    }

    private static Map<String, Object> environment(String name) {
        return map(service(name).get("environment"));
    }

    @Test
    void composeWhenReadThenItHasTheDatabaseS3TwoControlPlanesTwoBastionsAndHaproxy() {
        assertThat(map(COMPOSE.get("services")).keySet()).containsExactlyInAnyOrder("postgres", "s3",
                "control-plane-1", "control-plane-2", "bastion-1", "bastion-2", "haproxy");
        assertThat(environment("control-plane-1")).containsEntry("GATEHOUSE_ROLE", "control-plane")
                .containsEntry("GATEHOUSE_RECORDINGS_STORE", "s3");
        // The same settings, but each names its own node port, where nodes relay the live views asked of it.
        assertThat(environment("control-plane-1")).containsEntry("GATEHOUSE_NODES_ADVERTISED_URL",
                "https://control-plane-1:4446");
        Map<String, Object> second = new java.util.HashMap<>(environment("control-plane-2"));
        assertThat(second.put("GATEHOUSE_NODES_ADVERTISED_URL", "https://control-plane-1:4446"))
                .isEqualTo("https://control-plane-2:4446");
        assertThat(second).isEqualTo(environment("control-plane-1"));
        assertThat(environment("bastion-1")).containsEntry("GATEHOUSE_ROLE", "bastion")
                .containsEntry("GATEHOUSE_SSH_PROXY_PROTOCOL", "true").containsKey("GATEHOUSE_CONTROL_PLANE_URL");
    }

    @Test
    void bastionWhenReadThenItHoldsNoDatabaseCredentialAndNoCaKey() {
        for (String bastion : Set.of("bastion-1", "bastion-2")) {
            assertThat(environment(bastion).keySet()).as(bastion)
                    .noneMatch(k -> k.contains("DATABASE") || k.contains("MASTER_KEY") || k.startsWith("AWS_")
                            || k.contains("BOOTSTRAP"));
            assertThat(service(bastion)).as(bastion).doesNotContainKeys("secrets", "env_file");
        }
    }

    @Test
    void gatehouseNodesWhenReadThenLockedDown() {
        for (String node : NODES) {
            Map<String, Object> service = service(node);
            assertThat(service).as(node).containsEntry("read_only", true).doesNotContainKeys("privileged", "user");
            assertThat(list(service.get("cap_drop"))).as(node).containsExactly("ALL");
            assertThat(list(service.get("security_opt"))).as(node).contains("no-new-privileges:true");
        }
    }

    @Test
    void imagesWhenReadThenEachHasAVersionTag() {
        for (Object value : map(COMPOSE.get("services")).values()) {
            String image = String.valueOf(map(value).get("image")).replaceAll("\\$\\{[A-Z_]+:-([^}]+)}", "$1");
            assertThat(image).as("image").matches("[a-z0-9./-]+:[A-Za-z0-9._-]+").doesNotEndWith(":latest");
        }
    }

    @Test
    void filesWhenMountedFromThisDirectoryThenTheyExist() {
        for (Object value : map(COMPOSE.get("services")).values()) {
            for (Object volume : list(map(value).get("volumes"))) {
                String source = String.valueOf(volume).split(":")[0];
                if (source.startsWith("./")) {
                    assertThat(DIR.resolve(source)).as(String.valueOf(volume)).isRegularFile();
                }
            }
        }
        assertThat(Files.isExecutable(DIR.resolve("postgres-init.sh"))).as("the postgres image runs it").isTrue();
    }

    @Test
    void requiredVariablesWhenUsedThenEnvExampleNamesThem() {
        // ${NAME:?message} stops `docker compose` until .env sets NAME: the example must list every one.
        Matcher required = Pattern.compile("\\$\\{([A-Z0-9_]+):\\?").matcher(DeployTree.read(DIR.resolve("compose.yaml")));
        Set<String> names = required.results().map(m -> m.group(1)).collect(Collectors.toSet());
        Set<String> example = DeployTree.read(DIR.resolve(".env.example")).lines()
                .filter(l -> l.matches("[A-Z0-9_]+=.*")).map(l -> l.substring(0, l.indexOf('='))).collect(Collectors.toSet());

        assertThat(names).isNotEmpty();
        assertThat(example).containsAll(names);
    }
}
