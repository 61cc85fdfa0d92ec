package dev.gatehouse.controlplane.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.controlplane.api.ApiException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelsTest {

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "prod | prod | true",
            "prod* | production | true",
            "*-eu | web-eu | true",
            "*-eu | web-us | false",
            "a*b*c | aXXbYYc | true",
            "a*b*c | aXXbYY | false",
            "* | anything | true",
            "prod | Prod | false"})
    void selectorValuesMatchWithWildcards(String pattern, String value, boolean matches) {
        assertThat(Labels.selects(Map.of("env", pattern), Map.of("env", value))).isEqualTo(matches);
    }

    @Test
    void emptySelectorSelectsNothingAndStarSelectsEverything() {
        assertThat(Labels.selects(Map.of(), Map.of("env", "prod"))).isFalse();
        assertThat(Labels.selects(Map.of("*", "*"), Map.of())).isTrue();
    }

    @Test
    void missingLabelIsNoMatch() {
        assertThat(Labels.selects(Map.of("env", "*"), Map.of("app", "web"))).isFalse();
    }

    @Test
    void invalidSelectorIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> Labels.requireValidSelector("hostLabels", Map.of("env", "pro d")))
                .isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).errors().get(0).field()).isEqualTo("hostLabels.env"));
    }

    @Test
    void destinationPatternsGrantByHostAndPort() {
        assertThat(Destinations.grants("db-*:5432", "db-07", 5432)).isTrue();
        assertThat(Destinations.grants("db-*:5432", "db-07", 5433)).isFalse();
        assertThat(Destinations.grants("licence:*", "licence", 1)).isTrue();
        assertThat(Destinations.grants("10.0.0.*:22", "10.0.1.5", 22)).isFalse();
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "local*:* | localhost | true",
            "local*:* | local.evil.example | false",
            "local*:* | localhost.evil.example | false",
            "*.corp:* | db.corp | true",
            "*.corp:* | db.eu.corp | false",
            "*:* | db.corp | false",
            "10.0.*.*:* | 10.0.7.7 | true",
            "10.0.*.*:* | 10.0.evil.example | false"})
    void aStarInADestinationNeverSpansADot(String pattern, String host, boolean granted) {
        assertThat(Destinations.grants(pattern, host, 80)).isEqualTo(granted);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "10.20.0.0/16:5432 | ",
            "[fd00::/8]:22 | ",
            "10.20.0.7:1000-1999@office | ",
            "db-*.corp:*@direct | ",
            "10.20.0.0/33:5432 | prefix must be 0-32",
            "10.20.1.0/16:5432 | has bits set past its /16 (the range starts at 10.20.0.0/16)",
            "10.300.0.0/16:5432 | is not an IPv4 or IPv6 address",
            "[fd00::/129]:22 | prefix must be 0-128",
            "fd00::/8:22 | must be host:port",
            "[10.0.0.0/8]:22 | written in brackets",
            "db:2000-1000 | a range low-high",
            "db:5432@ | must be host:port"})
    void destinationGrantsAreCheckedWithTheReason(String pattern, String problem) {
        if (problem == null) {
            Destinations.requireValidPattern("forwardDestinations[0]", pattern);
            return;
        }
        assertThatThrownBy(() -> Destinations.requireValidPattern("forwardDestinations[0]", pattern))
                .isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).errors().get(0).field()).isEqualTo("forwardDestinations[0]"))
                .satisfies(e -> assertThat(((ApiException) e).errors().get(0).message()).contains(problem));
    }
}
