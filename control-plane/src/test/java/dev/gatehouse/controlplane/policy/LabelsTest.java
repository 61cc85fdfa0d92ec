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
}
