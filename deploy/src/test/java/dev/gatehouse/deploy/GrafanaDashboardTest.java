package dev.gatehouse.deploy;

import static dev.gatehouse.deploy.DeployTree.at;
import static dev.gatehouse.deploy.DeployTree.list;
import static dev.gatehouse.deploy.DeployTree.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/grafana/gatehouse.json} queries only meters that exist: Gatehouse's own, found in the main sources
 * where they are registered, and Spring Boot's standard ones (a list scraped from a running node).
 */
class GrafanaDashboardTest {

    private static final Map<String, Object> DASHBOARD = DeployTree.yaml(DeployTree.deploy().resolve("grafana/gatehouse.json"));
    private static final Pattern METRIC = Pattern.compile(
            "\\b((?:gatehouse|jvm|process|hikaricp|http_server|system|executor|jdbc|tomcat|logback|disk)_[a-z0-9_]+)");
    private static final Pattern METER_NAME = Pattern.compile("\"(gatehouse\\.[a-z0-9_.]+)\"");
    /** A meter registered by name where it is built: {@code Counter.builder("gatehouse.…")} and the like. */
    private static final Pattern BUILT_METER = Pattern.compile("builder\\(\"(gatehouse\\.[a-z0-9_.]+)\"");
    /** How Micrometer's Prometheus registry extends a meter's name, by meter type. */
    private static final Set<String> SUFFIXES = Set.of("total", "count", "sum", "max", "bucket", "seconds_count",
            "seconds_sum", "seconds_max", "seconds_bucket", "seconds", "bytes", "bytes_total");

    private static List<Map<String, Object>> panels() {
        return list(DASHBOARD.get("panels")).stream().map(DeployTree::map).filter(p -> !"row".equals(p.get("type")))
                .toList();
    }

    private static Set<String> queriedMetrics() {
        Set<String> names = new HashSet<>();
        for (Map<String, Object> panel : panels()) {
            for (Object target : list(panel.get("targets"))) {
                METRIC.matcher(String.valueOf(map(target).get("expr"))).results().forEach(m -> names.add(m.group(1)));
            }
        }
        return names;
    }

    /** Every "gatehouse.…" string in the main sources, as Prometheus spells it (a superset of the meter names). */
    private static Set<String> gatehouseMeters() throws IOException {
        return mainSourceNames(METER_NAME);
    }

    /** Names {@code pattern} finds in every module's main Java sources, with dots as underscores. */
    private static Set<String> mainSourceNames(Pattern pattern) throws IOException {
        Set<String> names = new HashSet<>();
        try (Stream<Path> modules = Files.list(DeployTree.repository())) {
            for (Path sources : modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> tree = Files.walk(sources)) {
                    tree.filter(p -> p.toString().endsWith(".java"))
                            .forEach(p -> pattern.matcher(DeployTree.read(p)).results()
                                    .forEach(m -> names.add(m.group(1).replace('.', '_'))));
                }
            }
        }
        return names;
    }

    private static Set<String> standardMeters() throws IOException {
        return namesIn("/standard-meters.txt");
    }

    private static Set<String> namesIn(String resource) throws IOException {
        try (InputStream in = GrafanaDashboardTest.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).collect(Collectors.toSet());
        }
    }

    private static boolean registered(String metric, Set<String> meters) {
        return meters.contains(metric) || meters.stream().anyMatch(
                meter -> metric.startsWith(meter + "_") && SUFFIXES.contains(metric.substring(meter.length() + 1)));
    }

    @Test
    void dashboardWhenQueriedThenEveryMetricExists() throws IOException {
        Set<String> gatehouse = new HashSet<>(gatehouseMeters());
        Set<String> standard = standardMeters();
        Set<String> queried = queriedMetrics();

        assertThat(queried).as("the dashboard's metrics").isNotEmpty();
        for (String metric : queried) {
            Set<String> known = metric.startsWith("gatehouse_") ? gatehouse : standard;
            assertThat(registered(metric, known)).as(metric + " is registered somewhere").isTrue();
        }
    }

    @Test
    void dashboardWhenReadThenEveryMeterBuiltByNameIsShown() throws IOException {
        // A meter the gateway registers and no panel shows is a gap in what operators see.
        Set<String> queried = queriedMetrics();
        Set<String> built = mainSourceNames(BUILT_METER);

        assertThat(built).isNotEmpty();
        for (String meter : built) {
            assertThat(queried).as(meter + " on the dashboard").anyMatch(q -> registered(q, Set.of(meter)));
        }
    }

    @Test
    void panelsWhenReadThenEachUsesTheDatasourceVariableAndHasAUniqueId() {
        Set<Object> ids = new HashSet<>();
        for (Map<String, Object> panel : panels()) {
            assertThat(at(panel, "datasource", "uid")).as(String.valueOf(panel.get("title"))).isEqualTo("${datasource}");
            assertThat(ids.add(panel.get("id"))).as("panel id " + panel.get("id")).isTrue();
            assertThat(list(panel.get("targets"))).as(String.valueOf(panel.get("title"))).isNotEmpty();
        }
        assertThat(DASHBOARD).containsEntry("uid", "gatehouse-overview");
    }
}
