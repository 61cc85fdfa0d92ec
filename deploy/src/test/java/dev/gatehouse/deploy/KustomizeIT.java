package dev.gatehouse.deploy;

import static dev.gatehouse.deploy.DeployTree.at;
import static dev.gatehouse.deploy.DeployTree.list;
import static dev.gatehouse.deploy.DeployTree.map;
import static dev.gatehouse.deploy.Manifests.containers;
import static dev.gatehouse.deploy.Manifests.env;
import static dev.gatehouse.deploy.Manifests.name;
import static dev.gatehouse.deploy.Manifests.podLabels;
import static dev.gatehouse.deploy.Manifests.podSpec;
import static dev.gatehouse.deploy.Manifests.selects;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/kubernetes}, rendered by {@code kubectl kustomize} (the base, and the example installation with its
 * Secrets made from the {@code .example} files) and checked object by object. No cluster runs here: what is checked is
 * what a cluster would be given.
 */
class KustomizeIT {

    private static final String KUBECTL = "a recent kubectl (tested with 1.32), whose kustomize reads the 'labels' field";

    @TempDir
    static Path work;

    private static Manifests base;
    private static Manifests example;

    @BeforeAll
    static void render() throws IOException {
        Path kubernetes = DeployTree.deploy().resolve("kubernetes");
        base = Manifests.parse(kustomize(kubernetes.resolve("base")));
        // The example's secret files are the operator's and never in git: render a copy made from the .example ones.
        copy(kubernetes, work);
        Path installation = work.resolve("example");
        try (Stream<Path> files = Files.list(installation)) {
            for (Path template : files.filter(f -> f.toString().endsWith(".example")).toList()) {
                String target = template.getFileName().toString().replace(".example", "");
                Files.copy(template, installation.resolve(target));
            }
        }
        Files.writeString(installation.resolve("master.key"), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
        example = Manifests.parse(kustomize(installation));
    }

    private static String kustomize(Path directory) {
        Tool render = Tool.run(KUBECTL, "kubectl", "kustomize", directory.toString());
        assertThat(render.exitCode()).as(render.describe()).isZero();
        return render.output();
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> tree = Files.walk(from)) {
            for (Path source : tree.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (!source.getFileName().toString().matches(".*\\.env|master\\.key")) {
                    Files.copy(source, target);
                }
            }
        }
    }

    @Test
    void baseWhenRenderedThenControlPlaneAndBastionRunTwoEach() {
        assertThat(base.named("Deployment", "gatehouse-control-plane")).extracting(d -> at(d, "spec", "replicas"))
                .isEqualTo(2);
        assertThat(base.named("StatefulSet", "gatehouse-bastion")).extracting(d -> at(d, "spec", "replicas"))
                .isEqualTo(2);
        assertThat(base.ofKind("Secret")).as("the base holds no secret; an installation adds them").isEmpty();
    }

    @Test
    void podsWhenRenderedThenNonRootWithoutPrivilegesAndWithProbesAndRequests() {
        for (Map<String, Object> workload : example.workloads()) {
            Map<String, Object> pod = podSpec(workload);
            assertThat(at(pod, "securityContext", "runAsNonRoot")).as(name(workload)).isEqualTo(true);
            assertThat(at(pod, "securityContext", "runAsUser")).as(name(workload) + ": the image's own uid")
                    .isEqualTo(10001);
            assertThat(at(pod, "securityContext", "seccompProfile", "type")).isEqualTo("RuntimeDefault");
            assertThat(pod.get("automountServiceAccountToken")).as(name(workload)).isEqualTo(false);
            for (Map<String, Object> container : containers(workload)) {
                String what = name(workload) + "/" + container.get("name");
                assertThat(at(container, "securityContext", "allowPrivilegeEscalation")).as(what).isEqualTo(false);
                assertThat(at(container, "securityContext", "readOnlyRootFilesystem")).as(what).isEqualTo(true);
                assertThat(list(at(container, "securityContext", "capabilities", "drop"))).as(what).containsExactly("ALL");
                assertThat(map(container.get("livenessProbe"))).as(what + " liveness").isNotEmpty();
                assertThat(map(container.get("readinessProbe"))).as(what + " readiness").isNotEmpty();
                assertThat(map(at(container, "resources", "requests"))).as(what).containsKeys("cpu", "memory");
                assertThat(map(at(container, "resources", "limits"))).as(what).containsKey("memory");
                assertThat(String.valueOf(container.get("image"))).as(what)
                        .matches("[a-z0-9./-]+:[0-9][A-Za-z0-9._-]*");
            }
        }
    }

    @Test
    void disruptionBudgetsWhenRenderedThenEveryWorkloadHasOne() {
        List<Map<String, Object>> budgets = example.ofKind("PodDisruptionBudget");
        for (Map<String, Object> workload : example.workloads()) {
            assertThat(budgets).as(name(workload))
                    .anyMatch(b -> selects(map(at(b, "spec", "selector", "matchLabels")), podLabels(workload)));
        }
    }

    @Test
    void sshServiceWhenRenderedThenALoadBalancerWithProxyProtocolToTheBastions() {
        Map<String, Object> ssh = example.named("Service", "gatehouse-ssh");
        Map<String, Object> bastion = example.named("StatefulSet", "gatehouse-bastion");

        assertThat(at(ssh, "spec", "type")).isEqualTo("LoadBalancer");
        assertThat(map(at(ssh, "metadata", "annotations")))
                .containsEntry("service.beta.kubernetes.io/aws-load-balancer-proxy-protocol", "*");
        assertThat(selects(map(at(ssh, "spec", "selector")), podLabels(bastion))).isTrue();
        assertThat(list(at(ssh, "spec", "ports"))).singleElement().extracting(p -> map(p).get("targetPort"))
                .isEqualTo("ssh");
        assertThat(env(containers(bastion).getFirst())).containsEntry("GATEHOUSE_SSH_PROXY_PROTOCOL", "true")
                .containsEntry("GATEHOUSE_ROLE", "bastion");
    }

    @Test
    void servicesWhenRenderedThenProxyProtocolOnlyWhereTheNodeExpectsIt() {
        // PROXY protocol is per Service (every port), and only the SSH port reads the header.
        for (Map<String, Object> service : example.ofKind("Service")) {
            boolean proxied = map(at(service, "metadata", "annotations")).keySet().stream()
                    .anyMatch(k -> k.contains("proxy-protocol"));
            if (proxied) {
                assertThat(list(at(service, "spec", "ports"))).as(name(service))
                        .allMatch(p -> "ssh".equals(map(p).get("targetPort")));
            }
        }
    }

    @Test
    void servicesWhenRenderedThenEachSelectsPodsAndNamesTheirPorts() {
        for (Map<String, Object> service : example.ofKind("Service")) {
            Map<String, Object> workload = example.workloads().stream()
                    .filter(w -> selects(map(at(service, "spec", "selector")), podLabels(w))).findFirst()
                    .orElseThrow(() -> new AssertionError(name(service) + " selects no pods"));
            List<Object> portNames = containers(workload).stream().flatMap(c -> list(c.get("ports")).stream())
                    .map(p -> map(p).get("name")).toList();
            assertThat(list(at(service, "spec", "ports"))).as(name(service))
                    .allMatch(p -> portNames.contains(map(p).get("targetPort")));
        }
    }

    @Test
    void bastionWhenRenderedThenItIsGivenNoDatabaseCredentialAndNoCaKey() {
        Map<String, Object> bastion = example.named("StatefulSet", "gatehouse-bastion");
        Map<String, Object> container = containers(bastion).getFirst();

        assertThat(env(container).keySet()).noneMatch(k -> k.contains("DATABASE") || k.contains("MASTER_KEY"));
        assertThat(list(container.get("envFrom"))).as("no whole Secret or ConfigMap in its environment").isEmpty();
        List<Object> secretVolumes = list(podSpec(bastion).get("volumes")).stream()
                .map(v -> at(v, "secret", "secretName")).filter(java.util.Objects::nonNull).toList();
        assertThat(secretVolumes).singleElement().asString().startsWith("gatehouse-bastion-node-tokens-");
    }

    @Test
    void controlPlaneWhenRenderedThenNodesRelayLiveViewsToThePodTheWatcherIsOn() {
        Map<String, Object> env = env(containers(example.named("Deployment", "gatehouse-control-plane")).getFirst());

        assertThat(env).containsEntry("GATEHOUSE_NODES_ADVERTISED_URL", "https://$(POD_IP):4446");
        assertThat(at(env.get("POD_IP"), "fieldRef", "fieldPath")).isEqualTo("status.podIP");
    }

    @Test
    void bastionWhenRenderedThenItCallsAPortTheControlPlaneServiceOffers() {
        String url = String.valueOf(env(containers(example.named("StatefulSet", "gatehouse-bastion")).getFirst())
                .get("GATEHOUSE_CONTROL_PLANE_URL"));
        Map<String, Object> service = example.named("Service", "gatehouse-control-plane");
        String namespace = String.valueOf(at(service, "metadata", "namespace"));

        assertThat(url).matches("https://[a-z0-9.-]+:[0-9]+");
        String host = url.substring("https://".length(), url.lastIndexOf(':'));
        int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
        assertThat(host).isEqualTo(name(service) + "." + namespace + ".svc");
        assertThat(list(at(service, "spec", "ports"))).anyMatch(p -> Integer.valueOf(port).equals(map(p).get("port"))
                && "nodes".equals(map(p).get("targetPort")));
    }

    @Test
    void secretsWhenInstalledThenGeneratedAndReferencedAndNeverInAConfigMap() {
        List<String> secrets = example.ofKind("Secret").stream().map(Manifests::name).toList();
        Map<String, Object> controlPlane = containers(example.named("Deployment", "gatehouse-control-plane")).getFirst();
        String envFromSecret = String.valueOf(list(controlPlane.get("envFrom")).stream()
                .map(e -> at(e, "secretRef", "name")).filter(java.util.Objects::nonNull).findFirst().orElseThrow());
        Object masterKey = at(env(controlPlane).get("GATEHOUSE_SECRETS_MASTER_KEY"), "secretKeyRef", "name");

        Object metricsToken = at(env(containers(example.named("StatefulSet", "gatehouse-bastion")).getFirst())
                .get("GATEHOUSE_NODE_METRICS_TOKEN"), "secretKeyRef", "name");
        assertThat(secrets).hasSize(4).contains(envFromSecret, String.valueOf(masterKey), String.valueOf(metricsToken));
        for (Map<String, Object> configMap : example.ofKind("ConfigMap")) {
            assertThat(map(configMap.get("data")).keySet()).as(name(configMap))
                    .noneMatch(k -> k.matches(".*(PASSWORD|SECRET|TOKEN|MASTER_KEY|ACCESS_KEY).*"));
        }
    }
}
