package dev.gatehouse.deploy;

import static dev.gatehouse.deploy.DeployTree.at;
import static dev.gatehouse.deploy.DeployTree.list;
import static dev.gatehouse.deploy.DeployTree.map;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Kubernetes objects as rendered by {@code kubectl kustomize}, with the few look-ups the checks need. */
record Manifests(List<Map<String, Object>> objects) {

    static Manifests parse(String yaml) {
        return new Manifests(DeployTree.yamlDocuments(yaml).stream().map(DeployTree::map).toList());
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    Map<String, Object> named(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(at(o, "metadata", "name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + names()));
    }

    /** Deployments and StatefulSets: what runs pods. */
    List<Map<String, Object>> workloads() {
        return objects.stream().filter(o -> "Deployment".equals(o.get("kind")) || "StatefulSet".equals(o.get("kind")))
                .toList();
    }

    List<String> names() {
        return objects.stream().map(o -> o.get("kind") + "/" + at(o, "metadata", "name")).toList();
    }

    static String name(Map<String, Object> object) {
        return String.valueOf(at(object, "metadata", "name"));
    }

    static Map<String, Object> podSpec(Map<String, Object> workload) {
        return map(at(workload, "spec", "template", "spec"));
    }

    static Map<String, Object> podLabels(Map<String, Object> workload) {
        return map(at(workload, "spec", "template", "metadata", "labels"));
    }

    static List<Map<String, Object>> containers(Map<String, Object> workload) {
        return list(podSpec(workload).get("containers")).stream().map(DeployTree::map).toList();
    }

    /** The container's environment as name to value (or to the reference, for valueFrom entries). */
    static Map<String, Object> env(Map<String, Object> container) {
        return list(container.get("env")).stream().map(DeployTree::map).collect(java.util.stream.Collectors.toMap(
                e -> String.valueOf(e.get("name")), e -> Objects.requireNonNullElse(e.get("value"), e.get("valueFrom"))));
    }

    /** True when every {@code selector} label is among {@code labels}. */
    static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }
}
